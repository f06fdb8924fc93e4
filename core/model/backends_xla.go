//go:build !js

package model

// "xla:cuda" (and "xla:cpu"): GoMLX's XLA backend through a PJRT plugin. The plugin is not
// auto-installed (these machines reach no download site); without it the backend fails to start
// and NewBackend says so in one line.
import _ "github.com/gomlx/go-xla/compute/xla"
