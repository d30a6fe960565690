package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

type appConfig struct {
	port         string
	release      string
	startDelay   time.Duration
	neverHealthy bool
	// failRate: the share of requests to / answered 500, spread evenly (a bad release that passes its healthcheck).
	failRate float64
	// answerDelay: how long every answer to / waits (a slow release that passes its healthcheck).
	answerDelay time.Duration
	sideURL     string
	hostname    string
}

func loadAppConfig() appConfig {
	delay, err := time.ParseDuration(envOr("START_DELAY", "0s"))
	if err != nil {
		log.Fatalf("START_DELAY: %v", err)
	}
	host, _ := os.Hostname()
	failRate, err := strconv.ParseFloat(envOr("FAIL_RATE", "0"), 64)
	if err != nil || failRate < 0 || failRate > 1 {
		log.Fatalf("FAIL_RATE: want a share from 0 to 1, got %q", os.Getenv("FAIL_RATE"))
	}
	answerDelay, err := time.ParseDuration(envOr("ANSWER_DELAY", "0s"))
	if err != nil || answerDelay < 0 {
		log.Fatalf("ANSWER_DELAY: want a duration such as 300ms, got %q", os.Getenv("ANSWER_DELAY"))
	}
	return appConfig{
		port:         envOr("PORT", "8000"),
		answerDelay:  answerDelay,
		release:      envOr("RELEASE", "dev"),
		startDelay:   delay,
		neverHealthy: os.Getenv("NEVER_HEALTHY") == "1",
		failRate:     failRate,
		sideURL:      os.Getenv("SIDE_URL"),
		hostname:     host,
	}
}

func serveApp(cfg appConfig) error {
	// A slow boot is modelled by not listening at all until the delay is
	// over: that is what makes an app without a healthcheck get routed
	// before it can answer.
	if cfg.startDelay > 0 {
		log.Printf("starting in %s", cfg.startDelay)
		time.Sleep(cfg.startDelay)
	}
	var inFlight, served int64
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// The n-th request fails when n*FAIL_RATE crosses a whole number: exactly that share, evenly spread.
		n := atomic.AddInt64(&served, 1)
		if cfg.answerDelay > 0 {
			time.Sleep(cfg.answerDelay)
		}
		if cfg.failRate > 0 && int64(float64(n)*cfg.failRate) != int64(float64(n-1)*cfg.failRate) {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"release": cfg.release, "host": cfg.hostname, "error": "FAIL_RATE"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"release": cfg.release, "host": cfg.hostname})
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		seconds, _ := strconv.ParseFloat(r.URL.Query().Get("s"), 64)
		atomic.AddInt64(&inFlight, 1)
		defer atomic.AddInt64(&inFlight, -1)
		time.Sleep(time.Duration(seconds * float64(time.Second)))
		writeJSON(w, http.StatusOK, map[string]any{"release": cfg.release, "host": cfg.hostname, "slept": seconds})
	})
	// /store visits the side target: both colours count on the same store.
	mux.HandleFunc("/store", func(w http.ResponseWriter, r *http.Request) {
		visits, err := visitSide(cfg.sideURL)
		if err != nil {
			writeJSON(w, http.StatusBadGateway, map[string]any{"release": cfg.release, "error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"release": cfg.release, "host": cfg.hostname, "visits": visits})
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		if cfg.neverHealthy {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"healthy": false, "why": "NEVER_HEALTHY=1 (a bad release)"})
			return
		}
		if err := checkSide(cfg.sideURL); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"healthy": false, "why": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"healthy": true, "release": cfg.release})
	})
	server := &http.Server{Addr: ":" + cfg.port, Handler: logRequests(mux)}
	return runUntilSignal(server, func() int64 { return atomic.LoadInt64(&inFlight) })
}

// runUntilSignal serves until SIGTERM or SIGINT, then lets requests in flight
// finish before it returns (http.Server.Shutdown stops accepting at once).
func runUntilSignal(server *http.Server, inFlight func() int64) error {
	errs := make(chan error, 1)
	go func() { errs <- server.ListenAndServe() }()
	log.Printf("listening on %s", server.Addr)
	signals := make(chan os.Signal, 1)
	if os.Getenv("IGNORE_SIGTERM") == "1" {
		// Like a shell-form CMD: PID 1 without a handler ignores SIGTERM, and
		// Docker kills it when the stop_grace_period is over.
		signal.Ignore(syscall.SIGTERM)
		signal.Notify(signals, syscall.SIGINT)
	} else {
		signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	}
	select {
	case err := <-errs:
		return err
	case sig := <-signals:
		log.Printf("%s: finishing %d slow request(s) in flight", sig, inFlight())
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := server.Shutdown(ctx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		log.Printf("stopped cleanly")
		return nil
	}
}

func checkSide(sideURL string) error {
	if sideURL == "" {
		return nil
	}
	client := http.Client{Timeout: time.Second}
	resp, err := client.Get(sideURL + "/health")
	if err != nil {
		return fmt.Errorf("side target %s unreachable: %v", sideURL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("side target %s answered %d", sideURL, resp.StatusCode)
	}
	return nil
}

func visitSide(sideURL string) (int64, error) {
	if sideURL == "" {
		return 0, fmt.Errorf("no SIDE_URL")
	}
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(sideURL + "/visit")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var body struct {
		Visits int64 `json:"visits"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	return body.Visits, err
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			log.Printf("%s %s", r.Method, r.URL.RequestURI())
		}
		next.ServeHTTP(w, r)
	})
}
