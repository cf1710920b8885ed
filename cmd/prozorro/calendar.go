package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// calendarWatchInterval is how often a configured calendar_file is checked
// for changes.
const calendarWatchInterval = 10 * time.Second

// openCalendar returns the working-day calendar the service uses: the
// embedded ProZorro calendar when path is empty, otherwise the file at path,
// reloaded on SIGHUP and whenever the file changes, until ctx ends. A file
// that fails to reload is logged and the calendar in use is kept.
func openCalendar(ctx context.Context, path string, log *slog.Logger) (*tender.Calendar, error) {
	if path == "" {
		return tender.DefaultCalendar(), nil
	}
	cal, err := tender.LoadCalendarFile(path)
	if err != nil {
		return nil, err
	}
	log = log.With("component", "calendar")
	log.Info("calendar loaded", "file", path, "watch_interval", calendarWatchInterval)

	go cal.WatchFile(ctx, path, calendarWatchInterval, log)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := reloadCalendar(cal, path); err != nil {
					log.Error("SIGHUP: calendar reload failed; keeping the current calendar", "file", path, "err", err)
				} else {
					log.Info("SIGHUP: calendar reloaded", "file", path)
				}
			}
		}
	}()
	return cal, nil
}

func reloadCalendar(cal *tender.Calendar, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return cal.Reload(f)
}
