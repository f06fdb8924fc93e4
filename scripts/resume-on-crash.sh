#!/bin/bash
# Runs a resumable genlab command (train, experiment) again when it crashes, up to 20 times:
#   scripts/resume-on-crash.sh build/genlab train --model gan-digits --data ../shared/datasets
# Why: Go 1.27.4's simd/archsimd LoadFloat32x16Part (used by the Go backend's SIMD elementwise
# ops on rows shorter than 16 floats) loads a whole vector past the slice's end and masks it
# afterwards; when the slice ends at an unmapped page the process dies with SIGSEGV. It is rare
# (a few times per hour of RealNVP training at most), and a run resumes from its last checkpoint.
# Exit status 2 is the Go runtime's fatal error; anything else (done, bad flags, Ctrl-C) stops.
for i in $(seq 1 20); do
  "$@"
  rc=$?
  [ $rc -ne 2 ] && exit $rc
  echo "resume-on-crash: '$*' exited with status 2 (a crash); running it again ($i)" >&2
  sleep 1
done
exit 2
