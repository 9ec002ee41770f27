# Katalog: make run (serve the bundled fixtures), make test (every test).
GO      ?= go
# Go 1.27.3 from the module proxy (the go command fetches it once, ~76 MB):
# Go 1.26.8's standard library has known vulnerabilities (make vulncheck).
export GOTOOLCHAIN := go1.27.3
ADDR    ?= 127.0.0.1:8080
DATA    ?= data
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

CORPUS  ?= /tmp/katalog-corpus
SHARED  ?= ../shared

.PHONY: all build run test browsertest browsertest-tools vet bench bench-kill corpus bench-harvest conformance conformance-export clean loadtest loadtest-search vulncheck fuzz deploy-check

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/katalog ./cmd/katalog

# Harvests the fixture feeds into $(DATA) on first start, then serves on $(ADDR).
run: build
	./bin/katalog serve --config --addr $(ADDR) --data $(DATA)

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

# The relevance test and the evaluator's parity test index every fixture
# feed: too slow under the race detector, so they run on their own, and the
# first prints its nDCG@10 and recall@20. The browser tests come last.
test: vet
	$(GO) test -race -count=1 -timeout 20m -skip '^(TestRelevance|TestEvalParity)$$' ./...
	$(GO) test -count=1 -run '^(TestRelevance|TestEvalParity)$$' -v ./search > relevance.log 2>&1; status=$$?; \
	  grep -E '^relevance:|FAIL|floors are|not in the fixture|eval_test.go|^ok' relevance.log; rm -f relevance.log; exit $$status
	$(MAKE) --no-print-directory browsertest

# The explorer in a browser (web/browsertest/README.md): Debian's chromium,
# driven by playwright-core, against bin/katalog serving a few fixture feeds;
# axe-core checks accessibility. Needs node >= 20, npm and chromium, and
# fails without them. npm ci runs only when package.json or package-lock.json
# is newer than node_modules. Screenshots go to web/testdata/screenshots/.
BROWSERTEST_DIR   := web/browsertest
BROWSERTEST_STAMP := $(BROWSERTEST_DIR)/node_modules/.package-lock.json
CHROMIUM          ?= /usr/bin/chromium
NPM               ?= npm

browsertest: build $(BROWSERTEST_STAMP) | browsertest-tools
	rm -rf web/testdata/screenshots
	cd $(BROWSERTEST_DIR) && KATALOG_BIN=$(CURDIR)/bin/katalog CHROMIUM=$(CHROMIUM) \
	  node --test --test-reporter=spec --test-concurrency=2 --test-timeout=120000 *.test.mjs

browsertest-tools:
	@command -v node >/dev/null || { echo "make browsertest: node is not installed; install Node.js 20 or later (apt-get install nodejs npm, or NodeSource's nodejs)"; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "make browsertest: node $$(node --version) is too old; the browser tests need Node.js 20 or later"; exit 1; }
	@command -v $(NPM) >/dev/null || { echo "make browsertest: npm is not installed (apt-get install npm)"; exit 1; }
	@test -x $(CHROMIUM) || { echo "make browsertest: no chromium at $(CHROMIUM); install Debian's chromium (apt-get install chromium) or set CHROMIUM=/path/to/chromium"; exit 1; }

# npm writes node_modules/.package-lock.json on every install; it is the stamp.
$(BROWSERTEST_STAMP): $(BROWSERTEST_DIR)/package.json $(BROWSERTEST_DIR)/package-lock.json | browsertest-tools
	cd $(BROWSERTEST_DIR) && $(NPM) ci --no-audit --no-fund
	@touch $@

# govulncheck against the Go vulnerability database, which comes as the module
# golang.org/x/vulndb through the module proxy (vuln.go.dev cannot be reached)
# and is indexed locally; .ci/vulncheck fails on any vulnerable code called
# that .ci/vulncheck/allowed.txt does not allow with a reason.
VULNDB_VERSION ?= v0.0.0-20261105234957-e22db6528018
GOVULNCHECK    ?= golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB         ?= $(CURDIR)/.vulndb
vulncheck:
	@if [ ! -f $(VULNDB)/index/db.json ]; then \
	  tmp=$$(mktemp -d) && cd $$tmp && $(GO) mod init vulndb >/dev/null 2>&1 && \
	  osv=$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')/data/osv && \
	  cd $(CURDIR) && rm -rf $$tmp && echo "indexing $$osv" && \
	  $(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns $$osv -out $(VULNDB).new && \
	  rm -rf $(VULNDB) && mv $(VULNDB).new $(VULNDB); \
	fi
	$(GO) run $(GOVULNCHECK) -db file://$(VULNDB) -format json ./... > vulncheck.json
	$(GO) run ./.ci/vulncheck < vulncheck.json; status=$$?; rm -f vulncheck.json; exit $$status

# Every Fuzz target of the repository, one after another, FUZZTIME each (not
# part of make test). Each starts from its seeds in testdata/fuzz/ and the
# inputs earlier runs found (in Go's cache); a failing input is written to
# the package's testdata/fuzz/ for a regression test. Fails if any target
# fails.
FUZZTIME ?= 10m
fuzz:
	@targets=$$(grep -r --include='*_test.go' --exclude-dir=testdata --exclude-dir=.git --exclude-dir=node_modules -l '^func Fuzz' . | sort | while read -r f; do \
	  for n in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$f"); do echo "./$$(dirname "$${f#./}"):$$n"; done; done); \
	test -n "$$targets" || { echo "no Fuzz targets found"; exit 1; }; \
	summary=""; failed=0; total=$$(date +%s); \
	for t in $$targets; do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  cmd="$(GO) test $$pkg -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME)"; \
	  echo "==> $$cmd"; start=$$(date +%s); \
	  if sh -c "$$cmd"; then result=ok; else result=FAIL; failed=$$((failed+1)); fi; \
	  line=$$(printf '%-4s %-22s %-20s %5ss' "$$result" "$$name" "$$pkg" "$$(( $$(date +%s) - start ))"); \
	  echo "<== $$line"; summary="$$summary$$line\n"; \
	done; \
	echo; echo "fuzz summary (FUZZTIME=$(FUZZTIME), $$(( $$(date +%s) - total ))s in all):"; printf "$$summary"; \
	if [ $$failed -gt 0 ]; then echo "$$failed target(s) failed"; exit 1; fi; \
	echo "all $$(echo $$targets | wc -w) targets passed"

# Benchmarks over the fixtures; set KATALOG_CORPUS=DIR to add a scaled corpus.
bench: bench-kill
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt

# The kill -9 test in its long form (make test kills 20 harvests).
bench-kill:
	KATALOG_KILLS=200 $(GO) test ./cmd/katalog -run '^TestKillNine$$' -count=1 -v -timeout 30m

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

conformance: $(CONFORMANCE_COMPARED) conformance-export
	KATALOG_SHACL_REPORTS=$(abspath $(CONFORMANCE_OUT)) $(GO) test ./catalog/validate -run '^TestConformance$$' -count=1 -v

# Katalog's own DCAT output, from the fixtures: every syntax read by
# independent parsers (n3, rdfxml-streaming-parser, jsonld) must give the same
# graph, and the official shapes must find no violation: DCAT-AP-NO 2.00 and
# DCAT-AP 3.0.1 on the dcat-ap-no profile, each HealthDCAT-AP Release 8 tier on
# the datasets of that access level (healthdcat-ap profile), and DCAT-AP 3.0.1
# on the datasets that give no access rights.
EXPORT_OUT  := $(CONFORMANCE_OUT)/export
EXPORT_NODE := node --max-old-space-size=8192
conformance-export: build $(CONFORMANCE_STAMP)
	rm -rf $(EXPORT_OUT) && mkdir -p $(EXPORT_OUT)
	./bin/katalog harvest --config --data $(EXPORT_OUT)/data > $(EXPORT_OUT)/harvest.log 2>&1 || { tail -20 $(EXPORT_OUT)/harvest.log; exit 1; }
	for f in turtle:ttl ntriples:nt rdfxml:rdf jsonld:jsonld; do \
	  ./bin/katalog export --data $(EXPORT_OUT)/data --format $${f%%:*} > $(EXPORT_OUT)/catalog.$${f##*:} || exit 1; done
	$(EXPORT_NODE) $(CONFORMANCE_DIR)/export.mjs $(EXPORT_OUT)/catalog.ttl $(EXPORT_OUT)/catalog.nt $(EXPORT_OUT)/catalog.rdf $(EXPORT_OUT)/catalog.jsonld
	./bin/katalog export --data $(EXPORT_OUT)/data --profile dcat-ap-no > $(EXPORT_OUT)/dcat-ap-no.ttl
	for a in PUBLIC RESTRICTED NON_PUBLIC none; do \
	  ./bin/katalog export --data $(EXPORT_OUT)/data --access-rights $$a > $(EXPORT_OUT)/healthdcat-ap-$$a.ttl || exit 1; done
	$(EXPORT_NODE) $(CONFORMANCE_DIR)/shacl.mjs --shapes dcat-ap-no $(EXPORT_OUT)/dcat-ap-no.ttl > $(EXPORT_OUT)/dcat-ap-no.dcat-ap-no.json
	$(EXPORT_NODE) $(CONFORMANCE_DIR)/shacl.mjs --shapes dcat-ap-3 $(EXPORT_OUT)/dcat-ap-no.ttl > $(EXPORT_OUT)/dcat-ap-no.dcat-ap-3.json
	$(EXPORT_NODE) $(CONFORMANCE_DIR)/shacl.mjs --shapes healthdcat-ap-public $(EXPORT_OUT)/healthdcat-ap-PUBLIC.ttl > $(EXPORT_OUT)/healthdcat-ap-PUBLIC.json
	$(EXPORT_NODE) $(CONFORMANCE_DIR)/shacl.mjs --shapes healthdcat-ap-restricted $(EXPORT_OUT)/healthdcat-ap-RESTRICTED.ttl > $(EXPORT_OUT)/healthdcat-ap-RESTRICTED.json
	$(EXPORT_NODE) $(CONFORMANCE_DIR)/shacl.mjs --shapes healthdcat-ap-non-public $(EXPORT_OUT)/healthdcat-ap-NON_PUBLIC.ttl > $(EXPORT_OUT)/healthdcat-ap-NON_PUBLIC.json
	$(EXPORT_NODE) $(CONFORMANCE_DIR)/shacl.mjs --shapes dcat-ap-3 $(EXPORT_OUT)/healthdcat-ap-none.ttl > $(EXPORT_OUT)/healthdcat-ap-none.json
	$(CONFORMANCE_NODE) $(CONFORMANCE_DIR)/violations.mjs $(EXPORT_OUT)/*.json

clean:
	rm -rf bin data bench.txt relevance.log .vulndb

# HTTP load against a running katalog serve on $(ADDR): searches with all facets.
loadtest-search:
	$(GO) run ./cmd/katalog-load -addr $(ADDR) -c 32 -d 30s -mix search

# 60 s of the full request mix at 64 connections against katalog serve on the
# fixtures, while a source harvests changed feeds every few seconds.
loadtest:
	GO=$(GO) ADDR=127.0.0.1:8099 DURATION=60s CONNS=64 sh cmd/katalog-load/loadtest.sh

# deploy/Dockerfile's runtime stage run for real without a container engine
# (static binary, empty root file system, non-root user, SIGTERM), and
# deploy/katalog.service through systemd-analyze. Needs root.
deploy-check:
	deploy/check.sh
