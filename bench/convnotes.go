package main

// convHistory is the record of the convolution work behind core/nn (issue 7, item 2). Unlike
// the tables above it is not re-measured by each run: the figures are from the runs named.
const convHistory = `
## Convolution on the Go backend: what was tried

TODO
`
