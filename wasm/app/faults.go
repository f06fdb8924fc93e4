//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"

	"genlab/wasm/protocol"
)

// What the app does when the worker dies: its Go program panicked or exited, its wasm never
// loaded, or it threw. Everything that worker held is lost, so the app starts a new one, which
// loads the state's model again; the message stays on screen as a notice once the new worker
// draws. A worker that dies again before drawing anything counts against maxRestarts, after
// which the app stops and offers to reload the page (a missing worker.wasm would otherwise be
// fetched for ever).
const maxRestarts = 2

// workerDied replaces the dead worker, or gives up. Callers hold the lock.
func (a *app) workerDied(why string) {
	a.worker.Call("terminate")
	a.loaded, a.loadingID, a.stage = "", 0, ""
	if a.trainState == trainStarting || a.trainState == protocol.TrainRunning || a.trainState == protocol.TrainPaused {
		a.trainState = protocol.TrainStopped
	}
	a.trainWait.reject(why)
	a.trainWait = nil
	if a.restarts >= maxRestarts {
		a.showError(why + " The page gave up after starting it " + strconv.Itoa(a.restarts+1) + " times: reload the page to try again.")
		a.addReloadButton()
		a.phase = "error"
		return
	}
	a.restarts++
	a.restartWhy = why
	a.showError(why + " Starting a new worker…")
	a.startWorker()
}

// workerRecovered is called when a main picture arrives: a restarted worker works.
func (a *app) workerRecovered() {
	if a.restarts == 0 {
		return
	}
	a.notice("The model worker was restarted after this problem: " + a.restartWhy)
	a.restarts, a.restartWhy = 0, ""
}

// noticeFallback says, once, that the models run on the slower Go backend. The reason, often
// long, is in the status line.
func (a *app) noticeFallback(why string) {
	if why == "" || a.fallback != "" || a.state.Backend == protocol.BackendGo {
		return // nothing to say, said already, or asked for
	}
	a.notice("ONNX Runtime Web could not start in this browser, so the models run on GoMLX's pure-Go backend, which is slower (the status line below says why).")
}

// addReloadButton puts a Reload button in the error banner.
func (a *app) addReloadButton() {
	box := a.el("error")
	if !box.Truthy() {
		return
	}
	b := a.doc.Call("createElement", "button")
	b.Set("type", "button")
	b.Set("id", "reload")
	b.Set("textContent", "Reload")
	b.Call("addEventListener", "click", js.FuncOf(func(js.Value, []js.Value) any {
		a.win.Get("location").Call("reload")
		return nil
	}))
	box.Call("appendChild", b)
}
