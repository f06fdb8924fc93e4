#!/bin/bash
# Trains the 2-D models (flows on every toy density, diffusion on moons) with their defaults and
# copies their weights to pretrained/. Run from the repository root after `make build/genlab`.
set -e
for m in flow2d-moons flow2d-circles flow2d-8gaussians flow2d-checkerboard flow2d-spirals ddpm2d-moons; do
  start=$(date +%s)
  build/genlab train --model $m --data "${DATA:-../shared/datasets}" --out runs/$m
  echo "$m: $(( $(date +%s) - start )) s"
  mkdir -p pretrained/$m && cp runs/$m/weights.bin runs/$m/loss.png pretrained/$m/
done
