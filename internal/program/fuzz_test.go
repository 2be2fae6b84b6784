package program

import (
	"testing"

	"textsupport/templates"
)

// FuzzParse: any file either fails with an error or yields a program that
// keeps the invariants the sender relies on.
func FuzzParse(f *testing.F) {
	def, err := templates.FS.ReadFile(DefaultFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add([]byte(validFile))
	f.Add([]byte("name: [x\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if p != nil {
				t.Fatal("Parse returned a program with its error")
			}
			return
		}
		if p.SendWindow.Start < Federal.Start || p.SendWindow.End > Federal.End || p.SendWindow.Start >= p.SendWindow.End {
			t.Errorf("SendWindow = %+v, outside %+v", p.SendWindow, Federal)
		}
		if p.DailyCap < 1 || len(p.Sequence) == 0 || len(p.Keywords) == 0 {
			t.Errorf("DailyCap %d, %d steps, %d keywords", p.DailyCap, len(p.Sequence), len(p.Keywords))
		}
		for i, s := range p.Sequence {
			if s.After < 0 || i > 0 && s.After < p.Sequence[i-1].After || s.Body == "" || s.Segments < 1 {
				t.Errorf("sequence[%d] = %+v", i, s)
			}
		}
	})
}
