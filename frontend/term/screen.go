package term

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"liveboard/shared/client"
	"liveboard/shared/protocol"
)

// chatScreen runs the chat's terminal UI until Ctrl+C.
func chatScreen(ctx context.Context, u BoardURL, c common, env Env) error {
	m := newScreen(u)
	// Changes are handed to the program by a goroutine of their own:
	// Program.Send blocks until the event loop takes the message, and a
	// post made from Update reports a change from inside that loop.
	// Changes coalesce; the screen reads the whole state at each.
	var mu sync.Mutex
	var news []protocol.ServerFrame
	var last client.Change
	wake := make(chan struct{}, 1)
	cl, err := newClient(u, c, env, true, nil, func(ch client.Change) {
		mu.Lock()
		news = append(news, ch.News...)
		last = ch
		mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	if err != nil {
		return err
	}
	m.cl = cl
	prog := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(env.Stdin), tea.WithOutput(env.Stdout))
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-wake:
			}
			mu.Lock()
			ch := last
			ch.News, news = news, nil
			mu.Unlock()
			prog.Send(changeMsg(ch))
		}
	}()
	stop := runUntil(ctx, cl)
	defer stop()
	defer cl.Flush()
	_, err = prog.Run()
	if ctx.Err() != nil || err == tea.ErrInterrupted || err == tea.ErrProgramKilled {
		return nil
	}
	return err
}

// screen is the chat's model: a header line, the history in a viewport,
// the composer in a textarea. Changes of the board re-render the history
// and never touch the composer.
type screen struct {
	u        BoardURL
	cl       *client.Client
	history  viewport.Model
	composer textarea.Model
	status   string
	online   int
	notice   string
	width    int
}

func newScreen(u BoardURL) *screen {
	ta := textarea.New()
	ta.Placeholder = "Write a message… (Enter sends, Alt+Enter or Ctrl+J: new line)"
	ta.ShowLineNumbers = false
	ta.SetHeight(3)
	// Enter sends; the textarea's own newline is Alt+Enter or Ctrl+J.
	ta.KeyMap.InsertNewline = key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"))
	ta.Focus()
	return &screen{u: u, composer: ta, history: viewport.New(), status: client.StatusConnecting}
}

func (m *screen) Init() tea.Cmd { return textarea.Blink }

func (m *screen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
		m.composer.SetWidth(msg.Width)
		m.history.SetWidth(msg.Width)
		m.history.SetHeight(max(1, msg.Height-m.composer.Height()-3))
		m.render()
		return m, nil
	case changeMsg:
		m.status = msg.Status
		if msg.Transport == client.TransportSSE {
			m.status += " (fallback)"
		}
		for _, f := range msg.News {
			switch f.Type {
			case protocol.TypePresence:
				m.online = f.Online
			case protocol.TypeError:
				m.notice = f.Code + ": " + f.Message
			}
		}
		m.render()
		return m, nil
	case tea.KeyPressMsg:
		switch msg.String() {
		case "ctrl+c", "esc":
			return m, tea.Quit
		case "enter":
			if _, err := m.cl.Post(m.composer.Value()); err == nil {
				m.composer.Reset()
				m.notice = ""
				m.render()
			} else if err != protocol.ErrEmpty {
				m.notice = err.Error()
			}
			return m, nil
		case "pgup", "pgdown":
			var cmd tea.Cmd
			m.history, cmd = m.history.Update(msg)
			return m, cmd
		}
	}
	var cmd tea.Cmd
	m.composer, cmd = m.composer.Update(msg)
	return m, cmd
}

// render rebuilds the history from the client's state, keeping the view
// at the bottom when it was there.
func (m *screen) render() {
	if m.cl == nil {
		return
	}
	st := m.cl.State()
	var b strings.Builder
	p := &printer{w: &b}
	for _, e := range st.Messages {
		if e.Pending {
			fmt.Fprintf(&b, "  … %s: %s\n", Escape(displayName(e.Name, e.Author)), EscapeText(e.Text))
			continue
		}
		p.message(e.Message)
	}
	atBottom := m.history.AtBottom()
	m.history.SetContent(strings.TrimSuffix(b.String(), "\n"))
	if atBottom {
		m.history.GotoBottom()
	}
}

func (m *screen) View() tea.View {
	header := fmt.Sprintf("liveboard · %s · %s · %d online", m.u.Board, m.status, m.online)
	if m.notice != "" {
		header += " · " + Escape(m.notice)
	}
	v := tea.NewView(header + "\n" + m.history.View() + "\n" + strings.Repeat("─", max(1, m.width)) + "\n" + m.composer.View())
	v.AltScreen = true
	return v
}
