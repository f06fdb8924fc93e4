package protocol

import "testing"

// FuzzParseState feeds arbitrary URL queries (shared links) to the page's state parser: it must
// never panic, must always return a state within bounds, and that state must survive a round
// trip through its own query unchanged.
func FuzzParseState(f *testing.F) {
	for _, q := range []string{"", "model=vae-digits&seed=1&n=64", "n=999999999&model=nope", "n=-5&seed=abc",
		"temp=NaN&n=1e9", "%zz&n=%00", "n=64&n=3&seed=18446744073709551616", "model=made-digits&mask=3&ens=2",
		"mask=-1&ens=99999999999999999999"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		s, _ := ParseState(q)
		if s.N < 1 || s.N > 256 {
			t.Fatalf("ParseState(%q).N = %d, outside 1..256", q, s.N)
		}
		if s.Mask < 0 || s.Mask >= MaxMasks || s.Ens < 1 || s.Ens > MaxMasks {
			t.Fatalf("ParseState(%q): mask %d, ens %d out of range", q, s.Mask, s.Ens)
		}
		again, problems := ParseState(s.Query())
		if again != s {
			t.Fatalf("round trip of %q: %+v then %+v (%v)", q, s, again, problems)
		}
	})
}
