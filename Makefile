# advisor - build, test and benchmark.
#
#   make            build build/advisor (and build/libadvisor.a)
#   make run        install missing packages, build, print a recommendation
#   make check      install missing packages, build, run every test
#   make asan       the whole test suite under AddressSanitizer + UBSan
#   make valgrind   the whole test suite under valgrind
#   make bench      benchmarks: probe fidelity against reference tools, rule speed
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
            libcmark-gfm-extensions-dev libjansson-dev libcmocka-dev

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
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -pthread \
             -DADVISOR_VERSION='"$(VERSION)"' -DADVISOR_DATADIR='"$(DATADIR)"' \
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
DEPS     = $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d)

.PHONY: all deps run check check-nodeps unit e2e asan valgrind bench install \
        uninstall clean format examples lint-md

all: $(BUILD)/advisor

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

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

run: deps
	@$(MAKE) --no-print-directory all
	@$(BUILD)/advisor recommend docs/examples/web-api.yaml --budget 3

check: deps
	@$(MAKE) --no-print-directory check-nodeps

check-nodeps: all $(TEST_BIN)
	@$(MAKE) --no-print-directory unit e2e lint-md

# markdownlint (default rules) over the generated reports: the examples and
# a report for every scenario in every Markdown format (the formats come
# from `advisor recommend --list-formats`).  markdownlint-cli comes from the
# npm registry into build/tools when it is not installed.
MARKDOWNLINT = $(shell command -v markdownlint 2>/dev/null || echo build/tools/node_modules/.bin/markdownlint)
lint-md: $(BUILD)/advisor
	@[ -x "$(MARKDOWNLINT)" ] || { command -v npm >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get install -y -qq npm >/dev/null; }; \
		npm install --prefix build/tools --no-audit --no-fund --silent markdownlint-cli@0.45.0; }
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
	@$(MARKDOWNLINT) $(BUILD)/lint/*.md docs/examples/*.md && \
		echo "markdownlint: $$(ls $(BUILD)/lint/*.md docs/examples/*.md | wc -l) passed, 0 failed"

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

bench: deps all $(BUILD)/bench/bench_rules
	@sh tests/bench/run.sh $(BUILD)/advisor

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libadvisor.a
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libadvisor.a \
		$(ALL_LDFLAGS) $(LIBS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(DATADIR)/knowledge
	install -m 755 $(BUILD)/advisor $(DESTDIR)$(PREFIX)/bin/advisor
	install -m 644 rules/*.yaml $(DESTDIR)$(DATADIR)/rules/
	install -m 644 knowledge/*.md $(DESTDIR)$(DATADIR)/knowledge/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/advisor.1 $(DESTDIR)$(PREFIX)/share/man/man1/advisor.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/advisor $(DESTDIR)$(PREFIX)/share/man/man1/advisor.1
	rm -rf $(DESTDIR)$(DATADIR)

format:
	clang-format -i advisor/*.[ch] probes/*.[ch] tests/unit/*.c

clean:
	rm -rf build
