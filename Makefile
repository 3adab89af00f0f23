# SPDX-License-Identifier: MIT
# Thin wrapper over meson: the two commands of the README, and the benchmarks.
.PHONY: run check build bench clean
run:
	scripts/run.sh
check:
	scripts/check.sh
build:
	[ -f build/build.ninja ] || meson setup build
	ninja -C build
bench: build
	bench/healthz_vs_nginx.sh build
	bench/signin.sh build
	bench/memory.sh build
clean:
	rm -rf build build-asan
