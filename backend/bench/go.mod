module liveboard/bench

go 1.26.0

require (
	github.com/valyala/fasthttp v1.69.0
	liveboard v0.0.0
)

require (
	github.com/andybalholm/brotli v1.2.8 // indirect
	github.com/klauspost/compress v1.19.2 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
)

replace liveboard => ../..
