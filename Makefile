# Katalog: make run (serve the bundled fixtures), make test (every test).
GO      ?= go
ADDR    ?= 127.0.0.1:8080
DATA    ?= data
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

CORPUS  ?= /tmp/katalog-corpus
SHARED  ?= ../shared

.PHONY: all build run test vet bench corpus bench-harvest conformance clean loadtest-search

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/katalog ./cmd/katalog

# Harvests the fixture feeds into $(DATA) on first start, then serves on $(ADDR).
run: build
	./bin/katalog serve --config --addr $(ADDR) --data $(DATA)

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

# The relevance test indexes every fixture feed: too slow under the race
# detector, so it runs on its own and prints its nDCG@10 and recall@20.
test: vet
	$(GO) test -race -count=1 -skip '^TestRelevance$$' ./...
	$(GO) test -count=1 -run '^TestRelevance$$' -v ./search > relevance.log 2>&1; status=$$?; \
	  grep -E '^relevance:|FAIL|floors are|not in the fixture|^ok' relevance.log; rm -f relevance.log; exit $$status

# Benchmarks over the fixtures; set KATALOG_CORPUS=DIR to add a scaled corpus.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt

# A generated corpus of about 1,000,000 variables (620 MB), for the
# benchmarks below; needs Debian's python3-rdflib.
corpus:
	/usr/bin/python3 $(SHARED)/tools/scale_feeds.py --in $(SHARED)/data/feeds --out $(CORPUS) --variables 1000000

# Harvest the corpus over HTTP into an empty data folder, then again unchanged.
bench-harvest:
	KATALOG_CORPUS=$(CORPUS) $(GO) test ./cmd/katalog -run TestHarvestCorpus -count=1 -v -timeout 30m

# The official SHACL shapes over every fixture (needs node and npm), then
# Katalog's validator against what they report: recall and precision.
include catalog/validate/testdata/conformance/Makefile.inc

# The comparison reads the DCAT-AP-NO and HealthDCAT-AP reports (dcat-ap-3
# is there for checking Katalog's own DCAT output).
CONFORMANCE_COMPARED := $(foreach s,dcat-ap-no healthdcat-ap-public healthdcat-ap-restricted healthdcat-ap-non-public,\
                          $(foreach f,$(CONFORMANCE_INPUTS),$(call conformance_report,$(s),$(f))))

conformance: $(CONFORMANCE_COMPARED)
	KATALOG_SHACL_REPORTS=$(abspath $(CONFORMANCE_OUT)) $(GO) test ./catalog/validate -run '^TestConformance$$' -count=1 -v

clean:
	rm -rf bin data bench.txt relevance.log

# HTTP load against a running katalog serve on $(ADDR): searches with all facets.
loadtest-search:
	$(GO) run ./cmd/katalog-load -addr $(ADDR) -c 32 -d 30s -mix search
