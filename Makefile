# advisor - build, test and benchmark.
#
#   make            build build/advisor (and build/libadvisor.a)
#   make run        install missing packages, build, print a recommendation
#   make check      install missing packages, build, run every test
#   make asan       the whole test suite under AddressSanitizer + UBSan
#   make valgrind   the whole test suite under valgrind
#   make bench      benchmarks: probe fidelity against reference tools, rule speed
#   make runtimes   install the runtimes of the replay servers (Debian packages)
#   make replay-selftest  build, start and check every installed replay server
#   make fuzz       every libFuzzer target for FUZZ_S seconds (clang), one at a time
#   make install PREFIX=/usr/local DESTDIR=
#
# Quiet unless V=1.  Local overrides go in config.mak.

-include config.mak

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
VERSION := 0.1.0

PKGS      = yaml-0.1 libpcre2-8 libcmark-gfm jansson
TEST_PKGS = cmocka
DEB_PKGS  = pkg-config libyaml-dev libpcre2-dev libcmark-gfm-dev \
            libcmark-gfm-extensions-dev libjansson-dev libcmocka-dev \
            python3

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wformat=2 -Wno-unused-parameter
ifeq ($(CI),true)
WARN    += -Werror
endif
OPT     ?= -O2 -g
SAN     ?=
SANFLAGS = $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all,)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

DATADIR  = $(PREFIX)/share/advisor
DOCDIR   = $(PREFIX)/share/doc/advisor
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -pthread \
             -DADVISOR_VERSION='"$(VERSION)"' \
             -Iadvisor -Iprobes $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) -pthread $(LDFLAGS)
LIBS = $(PKG_LIBS) -lm

ifeq ($(V),1)
Q =
say =
else
Q = @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

LIB_SRC  = $(filter-out advisor/main.c,$(wildcard advisor/*.c)) $(wildcard probes/*.c)
LIB_OBJ  = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
MAIN_OBJ = $(BUILD)/obj/advisor/main.o
TEST_SRC = $(wildcard tests/unit/test_*.c)
TEST_BIN = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
FUZZ_TARGETS = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN = $(patsubst %,$(BUILD)/fuzz_%,$(FUZZ_TARGETS))
FUZZ_OBJ = $(patsubst %,$(BUILD)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS)) \
           $(BUILD)/obj/tests/fuzz/fuzz.o
DEPS     = $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d) $(FUZZ_OBJ:.o=.d)

.PHONY: all deps run check check-nodeps unit e2e asan valgrind bench install \
        install-files install-check uninstall clean format examples lint-md lint-mermaid lint-json \
        fuzz fuzz-deps fuzz-build layers runtimes replay-selftest FORCE

all: $(BUILD)/advisor

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The installed data folder is compiled into datadir.o alone, as the last
# fallback (the binary looks beside itself first: bin/../share/advisor).
# The object depends on a stamp holding the path, so a new PREFIX rebuilds
# it without a make clean.
PREFIX_STAMP = $(BUILD)/datadir-stamp
$(PREFIX_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
$(BUILD)/obj/advisor/datadir.o: $(PREFIX_STAMP)
$(BUILD)/obj/advisor/datadir.o: ALL_CFLAGS += -DADVISOR_DATADIR='"$(DATADIR)"'

$(BUILD)/libadvisor.a: $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/advisor: $(MAIN_OBJ) $(BUILD)/libadvisor.a
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libadvisor.a
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -MMD -MP -o $@ $< \
		$(BUILD)/libadvisor.a $(ALL_LDFLAGS) $(LIBS) $(TEST_LIBS)

-include $(DEPS)

# Install whatever Debian packages are missing; nothing when all are found.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3"; \
	for p in $(PKGS) $(TEST_PKGS); do \
		pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: missing:$$missing; installing Debian packages"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get update -qq && \
		$$sudo apt-get install -y -qq --no-install-recommends $(DEB_PKGS) >/dev/null || exit 1; \
	fi

# The runtimes the replay servers run on (probes/replay), from Debian,
# whichever are missing: command=package.
RUNTIME_PKGS = node=nodejs python3=python3 go=golang-go javac=default-jdk-headless \
               rustc=rustc wrk=wrk
runtimes:
	@missing=""; \
	for cp in $(RUNTIME_PKGS); do \
		command -v $${cp%%=*} >/dev/null 2>&1 || missing="$$missing $${cp#*=}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "runtimes: installing Debian packages:$$missing"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get update -qq && \
		$$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# Build, start and ask every replay server whose runtime is installed.
replay-selftest:
	@sh probes/replay/selftest.sh

run: deps
	@$(MAKE) --no-print-directory all
	@$(BUILD)/advisor recommend docs/examples/web-api.yaml --budget 3

check: deps
	@$(MAKE) --no-print-directory check-nodeps

check-nodeps: layers all $(TEST_BIN)
	@$(MAKE) --no-print-directory unit e2e install-check lint-md lint-mermaid lint-json

# The core never reaches up into the command layer: only main.c, cmd.c and
# cmd-*.c may include cmd.h (suggest.h and diag.h serve the core).
CORE_SRC = $(filter-out advisor/main.c advisor/cmd.c advisor/cmd-%.c advisor/cmd.h, \
	     $(wildcard advisor/*.[ch] probes/*.[ch]))
layers:
	@bad=$$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]cmd\.h[">]' $(CORE_SRC)); \
	if [ -n "$$bad" ]; then \
		echo "layers: core modules must not include cmd.h:" $$bad >&2; exit 1; \
	fi

# markdownlint (default rules) over the generated reports: the examples,
# a 'diff --format markdown' and a report for every scenario in every Markdown format (the formats come
# from `advisor recommend --list-formats`).  The pinned markdownlint-cli is
# installed from the npm registry into build/tools and used whatever else is
# on PATH (a newer release adds rules the committed examples were not written
# against).
MARKDOWNLINT_VERSION = 0.50.0
MARKDOWNLINT = build/tools/node_modules/.bin/markdownlint
lint-md: $(BUILD)/advisor
	@[ "$$($(MARKDOWNLINT) --version 2>/dev/null)" = "$(MARKDOWNLINT_VERSION)" ] || { \
		command -v npm >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get install -y -qq npm >/dev/null; }; \
		npm install --prefix build/tools --no-audit --no-fund --silent \
			markdownlint-cli@$(MARKDOWNLINT_VERSION); }
	@rm -rf $(BUILD)/lint && mkdir -p $(BUILD)/lint
	@formats=$$($(BUILD)/advisor recommend --list-formats | awk '$$2 ~ /(^|\.)md$$/ { print $$1 "=" $$2 }') && \
	[ -n "$$formats" ] || { echo "lint-md: no Markdown format listed"; exit 1; }; \
	for f in tests/scenarios/*.yaml; do \
		n=$$(basename $$f .yaml); \
		for row in $$formats; do \
			$(TEST_WRAP) $(BUILD)/advisor recommend $$f --no-probes --format $${row%%=*} \
				-o $(BUILD)/lint/$$n.$${row#*=} || exit 1; \
		done; \
	done
	@$(TEST_WRAP) $(BUILD)/advisor recommend tests/scenarios/chat-gateway-io.yaml \
		--probes-from tests/fixtures/probes/replay.json -o $(BUILD)/lint/replay.md
	@$(TEST_WRAP) $(BUILD)/advisor recommend tests/scenarios/websocket-dashboard-js.yaml --no-probes \
		-o $(BUILD)/lint/diff-a.json && \
	$(TEST_WRAP) $(BUILD)/advisor recommend tests/scenarios/enterprise-java-experts.yaml --no-probes \
		-o $(BUILD)/lint/diff-b.json && \
	{ $(TEST_WRAP) $(BUILD)/advisor diff $(BUILD)/lint/diff-a.json $(BUILD)/lint/diff-b.json \
		--format markdown >$(BUILD)/lint/diff.md; [ $$? -eq 4 ]; }
	@$(MARKDOWNLINT) $(BUILD)/lint/*.md docs/examples/*.md && \
		echo "markdownlint: $$(ls $(BUILD)/lint/*.md docs/examples/*.md | wc -l) passed, 0 failed"

# Every Mermaid chart parses as GitHub's renderer parses it: the mermaid
# package (with jsdom for its DOM) from the npm registry into build/tools,
# pinned, over the examples and every scenario's note with the example
# probe cache (without probe figures a note has no chart), and a note with
# a replay (tests/fixtures/probes/replay.json) for its rate chart.
MERMAID_VERSION = 12.3.0
JSDOM_VERSION = 26.1.0
lint-mermaid: $(BUILD)/advisor
	@[ "$$(cd build/tools && node -p "require('mermaid/package.json').version + ' ' + require('jsdom/package.json').version" 2>/dev/null)" = "$(MERMAID_VERSION) $(JSDOM_VERSION)" ] || { \
		command -v npm >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get install -y -qq npm >/dev/null; }; \
		npm install --prefix build/tools --no-audit --no-fund --silent \
			mermaid@$(MERMAID_VERSION) jsdom@$(JSDOM_VERSION); }
	@rm -rf $(BUILD)/mermaid && mkdir -p $(BUILD)/mermaid
	@for f in tests/scenarios/*.yaml; do \
		$(BUILD)/advisor recommend $$f --probes-from docs/examples/probes.json \
			-o $(BUILD)/mermaid/$$(basename $$f .yaml).md || exit 1; \
	done
	@$(BUILD)/advisor recommend tests/scenarios/chat-gateway-io.yaml \
		--probes-from tests/fixtures/probes/replay.json -o $(BUILD)/mermaid/replay.md
	@node tests/lint/mermaid-parse.mjs build/tools/node_modules $(BUILD)/mermaid/*.md docs/examples/*.md

# Every JSON document advisor writes validates against docs/schema/ (JSON
# Schema 2020-12): the report of every scenario under --no-probes and with
# each probe cache of tests/fixtures/probes/, the examples, a probe cache of
# this machine, a replay cache (a short replay that skips its candidates,
# and a recorded one read back and reported).  One validator process,
# Debian's python3-jsonschema, installed when missing; /usr/bin/python3, as
# a python3 earlier on PATH may not see Debian's modules.  The check also
# feeds it documents broken on purpose, which must fail.
# tests/fixtures/replay/cache.json was recorded with
#   advisor probe --replay tests/fixtures/replay/profile.yaml \
#     --manifest tests/fixtures/replay/manifest.yaml --only thread.spawn --budget 12
# (the stub's path made relative); record it again when the replay object changes.
SCHEMA_PYTHON = /usr/bin/python3
lint-json: $(BUILD)/advisor
	@$(SCHEMA_PYTHON) -c 'from jsonschema import Draft202012Validator' 2>/dev/null || { \
		echo "lint-json: installing python3-jsonschema"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get update -qq && \
		$$sudo apt-get install -y -qq --no-install-recommends python3-jsonschema >/dev/null || exit 1; }
	@rm -rf $(BUILD)/schema && mkdir -p $(BUILD)/schema
	@for f in tests/scenarios/*.yaml; do \
		n=$$(basename $$f .yaml); \
		$(TEST_WRAP) $(BUILD)/advisor recommend $$f --no-probes --format json \
			-o $(BUILD)/schema/$$n.json || exit 1; \
		for c in tests/fixtures/probes/*.json; do \
			$(TEST_WRAP) $(BUILD)/advisor recommend $$f --probes-from $$c --format json \
				-o $(BUILD)/schema/$$n.$$(basename $$c .json).json || exit 1; \
		done; \
	done
	@$(BUILD)/advisor probe --budget 1 --format json -q -o $(BUILD)/schema/probes.json
	@$(BUILD)/advisor probe --replay tests/fixtures/replay/profile.yaml \
		--manifest tests/fixtures/replay/manifest.yaml --only thread.spawn --budget 1 -q \
		-o $(BUILD)/schema/replay-probes.json
	@$(TEST_WRAP) $(BUILD)/advisor recommend tests/fixtures/replay/profile.yaml \
		--probes-from tests/fixtures/replay/cache.json --format json \
		-o $(BUILD)/schema/replay-report.json
	@$(SCHEMA_PYTHON) tests/lint/schema-check.py docs/schema \
		$$(for f in $(BUILD)/schema/*.json; do case $$f in */probes.json|*/replay-probes.json) \
			echo probes=$$f;; *) echo report=$$f;; esac; done) \
		$$(for f in docs/examples/*.json; do case $$f in */probes.json) echo probes=$$f;; \
			*) echo report=$$f;; esac; done) \
		$$(for f in tests/fixtures/probes/*.json tests/fixtures/replay/cache.json; do \
			echo probes=$$f; done)

# Regenerate docs/examples from its profiles and probe cache, in every
# format of `advisor recommend --list-formats` (a test checks that the
# committed files are up to date).
examples: $(BUILD)/advisor
	@formats=$$($(BUILD)/advisor recommend --list-formats | awk '{ print $$1 "=" $$2 }') && \
	for f in docs/examples/*.yaml; do \
		n=$${f%.yaml}; \
		for row in $$formats; do \
			$(BUILD)/advisor recommend $$f --probes-from docs/examples/probes.json \
				--format $${row%%=*} > $$n.$${row#*=} || exit 1; \
		done; \
		echo "  EXAMPLE $$n"; \
	done

unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
		echo "== $$t"; \
		ADVISOR_SRCDIR=$(CURDIR) $(TEST_WRAP) $$t || fail=1; \
	done; exit $$fail

e2e: $(BUILD)/advisor
	@ADVISOR="$(TEST_WRAP) $(CURDIR)/$(BUILD)/advisor" sh tests/e2e/run.sh

# Sanitizers: the same suite, built apart under build/san.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build/san SAN=address,undefined OPT='-O1 -g' check-nodeps

valgrind: deps
	@command -v valgrind >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get install -y -qq valgrind >/dev/null; }
	@$(MAKE) --no-print-directory BUILD=build/vg OPT='-O0 -g' \
		TEST_WRAP='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --trace-children=no' \
		check-nodeps

bench: deps all $(BUILD)/bench/bench_rules $(BUILD)/bench/ref_spawn $(BUILD)/bench/bench_replay \
       $(BUILD)/bench/bench_calibration
	@sh tests/bench/run.sh $(BUILD)/advisor

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libadvisor.a
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libadvisor.a \
		$(ALL_LDFLAGS) $(LIBS)

install: all
	@$(MAKE) --no-print-directory install-files

# install-files copies what is built, without building: install-check uses
# it to stage the binary under a prefix that was not compiled in, so the
# binary must find its data beside itself.
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(DATADIR)/knowledge
	install -m 755 $(BUILD)/advisor $(DESTDIR)$(PREFIX)/bin/advisor
	install -m 644 rules/*.yaml $(DESTDIR)$(DATADIR)/rules/
	install -m 644 knowledge/*.md $(DESTDIR)$(DATADIR)/knowledge/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/advisor.1 $(DESTDIR)$(PREFIX)/share/man/man1/advisor.1
	install -d $(DESTDIR)$(DOCDIR)
	install -m 644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(DOCDIR)/schema
	install -m 644 docs/schema/*.json $(DESTDIR)$(DOCDIR)/schema/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 644 docs/completions/advisor.bash $(DESTDIR)$(BASHCOMPDIR)/advisor
	install -m 644 docs/completions/_advisor $(DESTDIR)$(ZSHCOMPDIR)/_advisor
	install -m 644 docs/completions/advisor.fish $(DESTDIR)$(FISHCOMPDIR)/advisor.fish

install-check: $(BUILD)/advisor
	@rm -rf $(BUILD)/stage
	@$(MAKE) --no-print-directory install-files DESTDIR=$(CURDIR)/$(BUILD)/stage PREFIX=/opt/x >/dev/null
	@mkdir -p $(BUILD)/stage/run
	@cd $(BUILD)/stage/run && env -u ADVISOR_DATADIR $(TEST_WRAP) ../opt/x/bin/advisor \
		recommend $(CURDIR)/docs/examples/web-api.yaml --no-probes -o note.md && \
		grep -q 'rules/' note.md && \
		echo "install-check: staged install under /opt/x finds its data"
	@cd $(BUILD)/stage/opt/x/share && for f in man/man1/advisor.1 doc/advisor/README.md \
		doc/advisor/cli.md doc/advisor/schema/report.schema.json \
		doc/advisor/schema/probes.schema.json bash-completion/completions/advisor zsh/site-functions/_advisor \
		fish/vendor_completions.d/advisor.fish; do \
		[ -s $$f ] || { echo "install-check: $$f not installed" >&2; exit 1; }; \
	done; \
	for d in $$(sed -n '/^\.SH SEE ALSO/,$$p' man/man1/advisor.1 | sed -n 's/^\.IR \([A-Za-z]*\.md\).*/\1/p'); do \
		[ -s doc/advisor/$$d ] || { echo "install-check: the man page names $$d, not installed" >&2; exit 1; }; \
	done; echo "install-check: man page, its documents and three completions installed"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/advisor $(DESTDIR)$(PREFIX)/share/man/man1/advisor.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/advisor $(DESTDIR)$(ZSHCOMPDIR)/_advisor \
		$(DESTDIR)$(FISHCOMPDIR)/advisor.fish
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

# Debian package and GitHub Action (docs/packaging/, docs/ci/, action.yml).
#   make deb           build/deb/advisor_VERSION-REV_ARCH.deb
#   make deb-check     build it, look inside, run it from a dpkg -x root, lintian
#   make action-check  validate action.yml and the docs/ci.md workflow against
#                      GitHub's schemas, run the action's steps as a runner would
# The package is built apart (build/deb/obj) with Debian's hardening flags and
# PREFIX=/usr; zsh completions go where Debian's zsh looks.
.PHONY: deb deb-tools deb-check action-check action-validate
DEB_REVISION   = 1
DEB_MAINTAINER ?= advisor maintainers <advisor@example.org>
DEB_DIR        = $(abspath $(BUILD)/deb)
DEB_TOOLS      = dpkg-deb=dpkg dpkg-shlibdeps=dpkg-dev strip=binutils lintian=lintian
ACTION_VALIDATOR_VERSION = 0.6.0
ACTION_VALIDATOR = build/tools/node_modules/.bin/action-validator

deb-tools:
	@missing=""; \
	for cp in $(DEB_TOOLS); do \
		command -v $${cp%%=*} >/dev/null 2>&1 || missing="$$missing $${cp#*=}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deb: installing Debian packages:$$missing"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get update -qq && \
		$$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

deb: deps deb-tools
	@export DEB_BUILD_MAINT_OPTIONS=hardening=+all; \
	$(MAKE) --no-print-directory BUILD=$(DEB_DIR)/obj PREFIX=/usr \
		CFLAGS="$$(dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
		LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)" all
	@rm -rf $(DEB_DIR)/root
	@$(MAKE) --no-print-directory BUILD=$(DEB_DIR)/obj PREFIX=/usr DESTDIR=$(DEB_DIR)/root \
		ZSHCOMPDIR=/usr/share/zsh/vendor-completions install-files >/dev/null
	@DEB_VERSION=$(VERSION)-$(DEB_REVISION) DEB_MAINTAINER='$(DEB_MAINTAINER)' \
		sh docs/packaging/build-deb.sh $(DEB_DIR)

deb-check: deb
	@sh tests/ci/deb-check.sh $(DEB_DIR)

action-check: deps action-validate $(BUILD)/advisor
	@ADVISOR=$(CURDIR)/$(BUILD)/advisor sh tests/ci/action-check.sh

# action-validator (npm, pinned, into build/tools like markdownlint): it
# takes a file named action.yml as an action, any other as a workflow.
action-validate:
	@[ "$$(cd build/tools 2>/dev/null && node -p "require('@action-validator/cli/package.json').version" 2>/dev/null)" = "$(ACTION_VALIDATOR_VERSION)" ] || { \
		command -v npm >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get install -y -qq npm >/dev/null; }; \
		npm install --prefix build/tools --no-audit --no-fund --silent \
			@action-validator/cli@$(ACTION_VALIDATOR_VERSION) \
			@action-validator/core@$(ACTION_VALIDATOR_VERSION); }
	@$(ACTION_VALIDATOR) action.yml
	@out=$$($(ACTION_VALIDATOR) docs/ci/workflow.yml 2>&1); rc=$$?; \
		printf '%s\n' "$$out" | grep -v -e '^WARNING: Glob validation' -e '^$$' >&2; exit $$rc
	@echo "action-validator: action.yml and docs/ci/workflow.yml valid"

# Fuzzing: every tests/fuzz/fuzz_NAME.c is a libFuzzer target NAME, built
# with clang under build/fuzz and run for FUZZ_S seconds, one target at a
# time; one line each, "fuzz NAME execs=N crashes=N".  Findings stay in
# build/fuzz/NAME/ (docs/fuzzing.md tells how to replay them).
FUZZ_S ?= 60
FUZZ_SAN = fuzzer-no-link,address,undefined
FUZZ_WRAP_cli = -Wl,--wrap=probe_run -Wl,--wrap=file_write_atomic
fuzz: deps fuzz-deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN=$(FUZZ_SAN) OPT='-O1 -g' fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
		sh tests/fuzz/run.sh build/fuzz $$t $(FUZZ_S) || fail=1; \
	done; exit $$fail

fuzz-build: $(FUZZ_BIN)

.SECONDARY: $(FUZZ_OBJ)

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/fuzz.o $(BUILD)/libadvisor.a
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS) $(FUZZ_WRAP_$*)

# clang and its libFuzzer runtime (libclang-rt-VERSION-dev on Debian 12 and
# later), installed when a trial link fails.
fuzz-deps:
	@mkdir -p build
	@sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; export DEBIAN_FRONTEND=noninteractive; \
	try() { printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
		clang -x c - -fsanitize=fuzzer,address,undefined -o build/.fuzz-try >/dev/null 2>&1; }; \
	command -v clang >/dev/null 2>&1 || { echo "fuzz: installing clang"; \
		$$sudo apt-get update -qq && $$sudo apt-get install -y -qq clang >/dev/null || exit 1; }; \
	try || { v=$$(clang -dumpversion | cut -d. -f1); \
		echo "fuzz: installing libFuzzer (libclang-rt-$$v-dev)"; \
		$$sudo apt-get update -qq && \
		{ $$sudo apt-get install -y -qq libclang-rt-$$v-dev >/dev/null 2>&1 || \
		  $$sudo apt-get install -y -qq libclang-rt-dev >/dev/null; }; \
		try || { echo "fuzz: clang -fsanitize=fuzzer does not link" >&2; exit 1; }; }; \
	rm -f build/.fuzz-try

FORCE:

format:
	clang-format -i advisor/*.[ch] probes/*.[ch] tests/unit/*.c tests/fuzz/*.[ch]

clean:
	rm -rf build
