package main

import (
	"net/http"
	"sync/atomic"
)

// serveSide is the side target (think: a small database) that both colours
// share. It counts the visits so tests can see one instance serve both.
func serveSide(port string) error {
	var visits int64
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"healthy": true})
	})
	mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"visits": atomic.AddInt64(&visits, 1)})
	})
	server := &http.Server{Addr: ":" + port, Handler: mux}
	return runUntilSignal(server, func() int64 { return 0 })
}
