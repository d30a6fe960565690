// The sample app that makes bluegreen's claims testable: it answers its
// release, reports health through a Docker healthcheck, can start slowly or
// never become healthy, serves slow requests for drain tests and finishes
// in-flight requests on SIGTERM (or, with IGNORE_SIGTERM=1, ignores it as a
// shell-form CMD does). The same binary runs the side target.
package main

import (
	"fmt"
	"os"
)

func main() {
	mode := "serve"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	var err error
	switch mode {
	case "serve":
		err = serveApp(loadAppConfig())
	case "side":
		err = serveSide(envOr("PORT", "7000"))
	case "healthcheck":
		err = probeHealth(envOr("PORT", "8000"))
	default:
		err = fmt.Errorf("unknown mode %q (serve, side, healthcheck)", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sample:", err)
		os.Exit(1)
	}
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
