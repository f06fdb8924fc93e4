#!/bin/bash
# Trains the six small models of ae-digits' latent-size view (see pretrained/README.md) and
# copies their weights to pretrained/ae-digits/latent-sizes/. Run from the repository root.
set -e
for kind in ae vae; do
  for d in 2 8 32; do
    start=$(date +%s)
    build/genlab train --model $kind-digits --config "{\"dim\":784,\"hidden\":[128],\"latent\":$d}" --data ../shared/datasets --steps 5000 --out runs/latents/$kind-$d
    echo "$kind-$d: $(( $(date +%s) - start )) s"
    mkdir -p pretrained/ae-digits/latent-sizes && cp runs/latents/$kind-$d/weights.bin pretrained/ae-digits/latent-sizes/$kind-$d.bin
  done
done
