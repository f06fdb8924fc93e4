//go:build js && wasm

// Command app is the page's main-thread program: ebiten draws the pictures on its canvas, the
// HTML controls around it are wired through syscall/js, and every model computation is asked of
// the worker (wasm/worker) by message. It links neither GoMLX nor the models, so it stays small
// and the page stays responsive whatever the worker does.
//
// ebiten makes its canvas fill the body of its document, so the app runs in an iframe
// (web/app.html) and reaches the page's controls, URL and test hooks through window.parent.
package main

import (
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"genlab/wasm/protocol"
)

func main() {
	a := newApp(js.Global().Get("parent"))
	state, problems := protocol.ParseState(a.win.Get("location").Get("search").String())
	a.state = state
	for _, p := range problems {
		a.notice(p)
	}
	a.bindControls()
	a.initLab()
	a.installHooks()
	a.writeURL()
	a.startWorker()

	ebiten.SetWindowTitle("genlab")
	ebiten.SetScreenClearedEveryFrame(false) // redraw only when something changed: the CPU is for the models
	a.drawOnChange()
	if err := ebiten.RunGame(&game{a: a}); err != nil {
		a.fail("drawing stopped: " + err.Error())
	}
}
