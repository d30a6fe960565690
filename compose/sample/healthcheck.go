package main

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// probeHealth is the Docker healthcheck: the image is FROM scratch, so there
// is no curl or wget; the binary asks itself. Its output is what Docker keeps
// as the healthcheck's last log, which bluegreen prints when a release fails.
func probeHealth(port string) error {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/health")
	if err != nil {
		return fmt.Errorf("not answering yet: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy (%d): %s", resp.StatusCode, body)
	}
	fmt.Printf("healthy: %s", body)
	return nil
}
