package ui

// background is a page colour the user can pick, with a text colour that
// keeps WCAG AA contrast (at least 4.5:1) on it.
type background struct {
	Name, Color, Text string
}

// backgrounds are the choices; the first is the default. Text contrast:
// #1b1b1b on the light ones is above 12:1, #f5f5f5 on charcoal 13:1.
var backgrounds = []background{
	{"white", "#ffffff", "#1b1b1b"},
	{"cream", "#fbf3dc", "#1b1b1b"},
	{"mint", "#dff5e6", "#1b1b1b"},
	{"sky", "#dcecfb", "#1b1b1b"},
	{"lavender", "#ece4fb", "#1b1b1b"},
	{"charcoal", "#2b2b2b", "#f5f5f5"},
}

func backgroundNamed(name string) background {
	for _, b := range backgrounds {
		if b.Name == name {
			return b
		}
	}
	return backgrounds[0]
}
