# lvm-lessons — the two commands of the README, plus benchmarks and the README's images.
#   make report   build the whole report into output/ and print the path of output/index.html
#   make test     run the whole test suite
#   make handouts the report, then output/LESSON.pdf for each lesson (headless Chromium)
#   make bench    run the benchmarks (separate package under Benchmarks/)
#   make test-sanitized  the suite under ThreadSanitizer, then AddressSanitizer (own build folders; not in CI's run)
SHELL := /bin/bash
.DEFAULT_GOAL := report

# Debian packages the build needs; chromium is only needed by the browser tests, librsvg2-bin (rsvg-convert) by the
# check that the SVG looks like the PNG (both skipped when absent). A TeX for the snippet tests is not installed (large):
# apt-get install texlive-latex-base texlive-latex-recommended lmodern to run them.
APT_PACKAGES := libcairo2-dev libpng-dev zlib1g-dev libjs-katex fonts-dejavu-core fonts-lmodern pkg-config
APT_TEST_PACKAGES := $(APT_PACKAGES) chromium

.PHONY: report handouts test test-sanitized bench deps test-deps readme-images clean

deps:
	@./scripts/ensure-apt-packages $(APT_PACKAGES)

test-deps:
	@./scripts/ensure-apt-packages $(APT_PACKAGES)
	@./scripts/ensure-apt-packages --optional chromium librsvg2-bin

report: deps
	swift run -c release lvm-lessons build

# The report, then each lesson printed to output/LESSON.pdf by headless Chromium (installed here if it can be).
handouts: deps
	@./scripts/ensure-apt-packages --optional chromium
	swift run -c release lvm-lessons build
	swift run -c release lvm-lessons handout

test: test-deps
	swift test

# Each sanitizer builds into its own folder, so the plain build stays as it is. AddressSanitizer runs without its
# leak check here: at exit it reports what XCTest, fontconfig's caches and a process ending by exit() still hold,
# which fails every CLI test's child process; scripts/fuzz runs the parsers with the leak check on.
test-sanitized: test-deps
	swift test --sanitize=thread --scratch-path .build-tsan
	ASAN_OPTIONS=detect_leaks=0 swift test --sanitize=address --scratch-path .build-asan

bench: deps
	./Benchmarks/run

readme-images: deps
	./scripts/readme-images

clean:
	rm -rf .build output
