# cadenced - meeting-cadence scheduler daemon and its CLI.
# Plain GNU make.  `make`, `make check`, `make run`, `make install`.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
SYSCONFDIR ?= /etc
UNITDIR	?= /lib/systemd/system
DESTDIR	?=

CC	?= cc
PKG_CONFIG ?= pkg-config
CFLAGS	?= -O2 -g

# The layers (README: "How the code is laid out"), each its own archive
# and its own libraries: a layer uses only the ones before it.
#	core/base	dates, text, buffers, diagnostics, hashes	libidn2
#						libunistring nettle libxxhash
#	core/model	config, calendar, plan		libical libconfig
#	core/render	iCalendar, iMIP, JSON, SVG	libical
#	core/store	sqlite, the outbox engine	sqlite3
#	net		CalDAV, SMTP, password files, API client
#						libcurl jansson
#	daemon, cli	the programs			libmicrohttpd libsystemd
#						gnutls jansson
PKGS_BASE = libidn2 nettle libxxhash
PKGS_MODEL = $(PKGS_BASE) libical libconfig
PKGS_STORE = $(PKGS_MODEL) sqlite3
PKGS_NET = $(PKGS_STORE) libcurl jansson
PKGS	= $(PKGS_NET) libmicrohttpd libsystemd gnutls

WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wvla \
	-Wimplicit-fallthrough -Wundef
CPPFLAGS_ALL = -D_GNU_SOURCE -DLOCALEDIR='"$(LOCALEDIR)"' -Icore -I. \
	$(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CPPFLAGS)
CFLAGS_ALL = -std=c11 $(WARNINGS) $(CFLAGS)
LIBS_MODEL = $(shell $(PKG_CONFIG) --libs $(PKGS_MODEL)) -lunistring -lm
LIBS_STORE = $(shell $(PKG_CONFIG) --libs $(PKGS_STORE)) -lunistring -lm
LIBS_NET = $(shell $(PKG_CONFIG) --libs $(PKGS_NET)) -lunistring -lm
LIBS	= $(shell $(PKG_CONFIG) --libs $(PKGS)) -lunistring -lm

# `make check SANITIZE=1`: the same tests built with ASan + UBSan, in their
# own build directory so objects never mix.
ifeq ($(SANITIZE),1)
B	= build-san
CFLAGS_ALL += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
B	= build
endif

LAYERS	= base model render store
$(foreach l,$(LAYERS),$(eval $(l)_OBJS := \
	$(patsubst %.c,$(B)/%.o,$(wildcard core/$(l)/*.c))))
net_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard net/*.c))
CLI_SRCS  := $(wildcard cli/*.c)
CLI_OBJS  := $(CLI_SRCS:%.c=$(B)/%.o)
DAEMON_SRCS := $(wildcard daemon/*.c)
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(B)/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)
FUZZ_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard tests/fuzz/fuzz_*.c)) \
	$(B)/tests/fuzz/common.o
MANS	:= $(wildcard man/*.[0-9])

# the archives, highest layer first (the order the linker wants)
LIB_BASE   = $(B)/libcad-base.a
LIB_MODEL  = $(B)/libcad-model.a $(LIB_BASE)
LIB_RENDER = $(B)/libcad-render.a $(LIB_MODEL)
LIB_STORE  = $(B)/libcad-store.a $(LIB_RENDER)
LIB_NET    = $(B)/libcad-net.a $(LIB_STORE)
PROGS	= $(B)/cadencectl $(if $(wildcard daemon/main.c),$(B)/cadenced)

# Message catalogues (GNU gettext): po/LANG.po -> $(B)/locale/LANG/
# LC_MESSAGES/cadenced.mo.  The programs find them there through
# CADENCE_LOCALEDIR (tests, make run) or at $(LOCALEDIR) once installed.
LINGUAS	:= $(shell cat po/LINGUAS)
MOS	:= $(LINGUAS:%=$(B)/locale/%/LC_MESSAGES/cadenced.mo)
POT_SRCS = $(sort $(wildcard core/*/*.c net/*.c daemon/*.c cli/*.c))

all: $(PROGS) $(MOS)

$(B)/locale/%/LC_MESSAGES/cadenced.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# `make update-po`: extract the messages and merge them into every po/*.po
# (a translator then edits only the .po file)
update-po:
	xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
		--keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
		--package-name=cadenced --msgid-bugs-address=hyte@localhost \
		--no-location --sort-output -o po/cadenced.pot $(POT_SRCS)
	for l in $(LINGUAS); do \
		msgmerge --quiet --update --backup=none --no-location \
			--sort-output po/$$l.po po/cadenced.pot; done

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# A layer includes only its own headers and those of the layers below
# it (scripts/layers.sh); every archive waits for that check.
$(B)/layers.ok: scripts/layers.sh $(wildcard core/*/*.[ch] net/*.[ch])
	@mkdir -p $(@D)
	@sh scripts/layers.sh && touch $@

$(B)/libcad-%.a: $(B)/layers.ok
	@rm -f $@
	$(AR) rcs $@ $(filter %.o,$^)
$(B)/libcad-base.a: $(base_OBJS)
$(B)/libcad-model.a: $(model_OBJS)
$(B)/libcad-render.a: $(render_OBJS)
$(B)/libcad-store.a: $(store_OBJS)
$(B)/libcad-net.a: $(net_OBJS)

$(B)/cadencectl: $(CLI_OBJS) $(LIB_NET)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB_NET) $(LIBS)

$(B)/cadenced: $(DAEMON_OBJS) $(LIB_NET)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(DAEMON_OBJS) $(LIB_NET) $(LIBS)

# Unit tests link only their layer and the ones below it: a model or
# render test that needed sqlite or libcurl would not link.
MODEL_TESTS = test_calendar test_config
RENDER_TESTS = test_util test_plan test_ical test_imip test_deadline
STORE_TESTS = test_store test_reminder test_task test_access
$(MODEL_TESTS:%=$(B)/tests/%): $(B)/tests/%: $(B)/tests/%.o $(LIB_MODEL)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIB_MODEL) $(LIBS_MODEL) \
		-lcmocka
$(RENDER_TESTS:%=$(B)/tests/%): $(B)/tests/%: $(B)/tests/%.o $(LIB_RENDER)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIB_RENDER) $(LIBS_MODEL) \
		-lcmocka
$(STORE_TESTS:%=$(B)/tests/%): $(B)/tests/%: $(B)/tests/%.o $(LIB_STORE)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIB_STORE) $(LIBS_STORE) \
		-lcmocka
$(B)/tests/test_outbox: $(B)/tests/test_outbox.o $(LIB_NET)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIB_NET) $(LIBS_NET) -lcmocka

# the fuzz regression replay: every fuzz target's entry function (built
# without libFuzzer) and the daemon but its main thread's lifecycle
# (main.c, state.c, reload.c: the struct daemon of daemon.h)
FUZZ_DAEMON_OBJS = $(filter-out $(addprefix $(B)/daemon/,main.o state.o \
	reload.o),$(DAEMON_OBJS))
$(B)/tests/test_fuzz_regress: $(B)/tests/test_fuzz_regress.o $(FUZZ_OBJS) \
		$(FUZZ_DAEMON_OBJS) $(LIB_NET)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(FUZZ_OBJS) \
		$(FUZZ_DAEMON_OBJS) $(LIB_NET) $(LIBS) -lcmocka

# the daemon with its failure points on (daemon/fault.h), for the tests
# of reload and rebuild only: never installed
FAULT_OBJS := $(DAEMON_SRCS:%.c=$(B)/faults/%.o)
$(B)/faults/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) -DCAD_FAULTS $(CFLAGS_ALL) -MMD -MP -c -o $@ $<
$(B)/cadenced-faults: $(FAULT_OBJS) $(LIB_NET)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(FAULT_OBJS) $(LIB_NET) $(LIBS)

tests: $(TEST_BINS) $(B)/tests/ical_restrict $(B)/cadenced-faults

# libical's RFC 5546 restriction check as a program (tests/interop.sh)
$(B)/tests/ical_restrict: tests/tools/ical_restrict.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIBS)

# Every test: cmocka unit binaries, then the end-to-end scripts that run
# the real programs.  tests/run.sh prints the closing summary line.
check:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all tests
	@B=$(B) CADENCE_LOCALEDIR=$(CURDIR)/$(B)/locale sh tests/run.sh $(TEST_BINS)

# The CLI end-to-end tests with cadencectl under valgrind (slow: minutes).
check-valgrind:
	@$(MAKE) --no-print-directory all
	@B=$(B) CADENCE_LOCALEDIR=$(CURDIR)/$(B)/locale sh tests/valgrind.sh

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@mkdir -p run
	CADENCE_LOCALEDIR=$(CURDIR)/$(B)/locale \
		$(B)/cadenced -c etc/kainuu.conf $$([ "$$(id -u)" = 0 ] && echo --allow-root)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/cadenced \
		$(DESTDIR)$(UNITDIR)
	install -m 755 $(B)/cadencectl $(DESTDIR)$(BINDIR)/cadencectl
	if [ -f $(B)/cadenced ]; then \
		install -m 755 $(B)/cadenced $(DESTDIR)$(SBINDIR)/cadenced; fi
	for m in $(MANS); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	sed 's|/usr/local/sbin/|$(SBINDIR)/|' systemd/cadenced.service \
		> $(B)/cadenced.service
	install -m 644 $(B)/cadenced.service $(DESTDIR)$(UNITDIR)/
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 $(B)/locale/$$l/LC_MESSAGES/cadenced.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; done
	sed 's|^state_dir *=.*|state_dir = "/var/lib/cadenced";|' \
		etc/kainuu.conf > $(B)/cadenced.conf.example
	install -m 644 $(B)/cadenced.conf.example \
		$(DESTDIR)$(SYSCONFDIR)/cadenced/cadenced.conf.example

clean:
	rm -rf build build-san build-valgrind build-fuzz run

.PHONY: all tests check check-valgrind run install clean update-po
.SECONDARY:
-include $(foreach l,$(LAYERS) net,$($(l)_OBJS:.o=.d)) $(CLI_OBJS:.o=.d) \
	$(DAEMON_OBJS:.o=.d) $(TEST_BINS:=.d) $(FUZZ_OBJS:.o=.d) \
	$(FAULT_OBJS:.o=.d)

# Installs missing Debian packages when run as root; silent otherwise.
deps:
	@if [ "$$(id -u)" = 0 ]; then sh scripts/install-deps.sh; fi

.PHONY: deps

# Benchmarks (never part of `make check`): see BENCHMARKS.md.
bench: all
	sh bench/run.sh

# libFuzzer targets with ASan + UBSan, FUZZ_SECONDS each (clang).
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

# Hostile load (never part of `make check`): see docs/RELIABILITY.md.
load: all
	CADENCE_LOAD=1 B=$(B) sh tests/e2e/hostile_load.sh

# kill -9 while delivering, SMTP sink answering after 0, 50, 300 ms
# (docs/RELIABILITY.md); FAULTS_KILLS rounds per delay, default 30
faults: all
	/usr/bin/python3 tests/e2e/faults_kill.py $(B)/cadenced \
		$(B)/cadencectl $(or $(FAULTS_KILLS),30)

# The calendar readers' matrix (SPEC § 10.6; minutes, run by CI):
# every feed, CalDAV object and iMIP message of every example config
# read by python icalendar, vobject, ical.js 2, node-ical, khal, calcurse,
# libical's restriction check, Xandikos and Radicale.
interop: all tests
	@B=$(B) CADENCE_LOCALEDIR=$(CURDIR)/$(B)/locale sh tests/interop.sh

.PHONY: bench fuzz load faults interop
