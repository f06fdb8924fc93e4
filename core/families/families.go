// Package families links every model family into a program: the CLI and the page's worker import
// it (blank) and then only talk to core/model. A new family adds one line here.
package families

import (
	_ "genlab/core/ae"
	_ "genlab/core/classifier"
	_ "genlab/core/diffusion"
	_ "genlab/core/flow"
	_ "genlab/core/gan"
	_ "genlab/core/made"
	_ "genlab/core/vae"
)
