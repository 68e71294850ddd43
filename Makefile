# The whole test suite: formatting, vet, and every test with the race detector.
.PHONY: test build bench

test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go test -race -count=1 ./...

build:
	CGO_ENABLED=0 go build -o bin/cairn ./cmd/cairn

bench:
	go test -run '^$$' -bench . -benchmem ./interp/...
