package toolkits_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/toolkits"
	"github.com/otc-dev/otc/toolkits/examples"
)

func TestBuiltin(t *testing.T) {
	if diff := cmp.Diff([]string{"examples"}, toolkits.Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
	tools, err := toolkits.Builtin("examples", examples.Options{InstanceID: "i"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tools) != len(examples.Tools(examples.Options{})) {
		t.Errorf("Builtin(examples) returned %d tools", len(tools))
	}
}

func TestBuiltinUnknown(t *testing.T) {
	for _, name := range []string{"", "Examples", "example", "examples,", "nope"} {
		t.Run(name, func(t *testing.T) {
			tools, err := toolkits.Builtin(name, examples.Options{})
			var ue *toolkits.UnknownToolkitError
			if !errors.As(err, &ue) || tools != nil {
				t.Fatalf("Builtin(%q) = %d tools, %v; want an *UnknownToolkitError", name, len(tools), err)
			}
			if ue.Name != name || !strings.Contains(err.Error(), "examples") {
				t.Errorf("error %q does not name the unknown toolkit and list the known ones", err)
			}
		})
	}
}

func ExampleBuiltin() {
	tools, err := toolkits.Builtin("examples", examples.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tools[0].ID())

	_, err = toolkits.Builtin("weather", examples.Options{})
	fmt.Println(err)
	// Output:
	// Calculator.Add@1.0.0
	// unknown toolkit "weather" (built-in toolkits: examples)
}
