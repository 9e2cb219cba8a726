// Command ferretdb runs FerretDB 1.24 on SQLite for TeachBridge's local mode and tests.
//
// It wraps FerretDB's embeddable package instead of building FerretDB's own cmd/ferretdb: since Go 1.25 a
// binary built from a tool directive records FerretDB as its main module, and FerretDB 1.24.2 then panics at
// start-up on the version.txt file its published module lacks. Here the main module is ours, so it does not.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (port 0 picks a free port)")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URL: file:/absolute/path/ (the directory must exist)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	exitWithStdin := flag.Bool("exit-with-stdin", false, "stop when standard input closes (the parent process went away)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "invalid --log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
		Logger:    logger,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *exitWithStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	// One line on stdout tells the launcher where to connect (the real port when port 0 was asked for).
	fmt.Printf("{\"listening\":%q}\n", f.MongoDBURI())

	<-done
}
