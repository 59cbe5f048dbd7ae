package otc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/otc-dev/otc"
)

// AddInput is the input of the example tools: each field is a parameter,
// described by its jsonschema tag.
type AddInput struct {
	A float64 `json:"a" jsonschema:"description=The first number."`
	B float64 `json:"b" jsonschema:"description=The second number."`
}

func ExampleNewTool() {
	add, err := otc.NewTool(otc.ToolSpec{
		Toolkit: "Calculator", Name: "Add", Version: "1.0.0",
		Description: "Adds two numbers.",
	}, func(ctx context.Context, in AddInput) (float64, error) {
		return in.A + in.B, nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(add.Definition())

	input := json.RawMessage(`{"a": 1, "b": 2.5}`)
	if err := add.ValidateInput(input); err != nil { // the server validates first (CALL-4)
		fmt.Println(err)
		return
	}
	value, err := add.Call(context.Background(), input)
	fmt.Println(string(value), err)
	// Output:
	// {
	//   "id": "Calculator.Add@1.0.0",
	//   "name": "Calculator_Add",
	//   "description": "Adds two numbers.",
	//   "version": "1.0.0",
	//   "input_schema": {
	//     "parameters": {
	//       "properties": {
	//         "a": {
	//           "type": "number",
	//           "description": "The first number."
	//         },
	//         "b": {
	//           "type": "number",
	//           "description": "The second number."
	//         }
	//       },
	//       "additionalProperties": false,
	//       "type": "object",
	//       "required": [
	//         "a",
	//         "b"
	//       ]
	//     }
	//   },
	//   "output_schema": {
	//     "type": "number"
	//   }
	// }
	// 3.5 <nil>
}

func ExampleNewRawTool() {
	greet, err := otc.NewRawTool(otc.ToolSpec{
		Toolkit: "Greeter", Name: "Greet", Version: "1.0.0",
		Description: "Greets someone by name.",
	},
		json.RawMessage(`{
			"type": "object",
			"properties": {"name": {"type": "string", "minLength": 1, "description": "Who to greet."}},
			"required": ["name"],
			"additionalProperties": false
		}`),
		json.RawMessage(`{"type": "string"}`),
		func(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
			var in struct{ Name string }
			if err := json.Unmarshal(input, &in); err != nil {
				return nil, err
			}
			return json.Marshal("Hello, " + in.Name + "!")
		})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Invalid input is a 422 whose messages name parameters, never values.
	err = greet.ValidateInput(json.RawMessage(`{"name": "", "nmae": "Ada"}`))
	var e *otc.Error
	if errors.As(err, &e) {
		fmt.Println(e.HTTPStatus(), e.ParameterErrors["name"], "/", e.ParameterErrors["nmae"])
	}

	value, err := greet.Call(context.Background(), json.RawMessage(`{"name": "Ada"}`))
	fmt.Println(string(value), err)
	// Output:
	// 422 must be at least 1 character long / is not a parameter of this tool
	// "Hello, Ada!" <nil>
}

func ExampleRegistry_Resolve() {
	reg := otc.NewRegistry()
	for _, version := range []string{"1.0.0", "1.1.0", "2.0.0"} {
		tool := otc.MustNewTool(otc.ToolSpec{
			Toolkit: "Calculator", Name: "Add", Version: version,
			Description: "Adds two numbers.",
		}, func(ctx context.Context, in AddInput) (float64, error) { return in.A + in.B, nil })
		if err := reg.Register(tool); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, id := range []string{"Calculator.Add@1.1.0", "Calculator.Add@1", "Calculator.Add", "Calculator.Add@3", "Calculator.Sub"} {
		ref, err := otc.ParseToolID(id)
		if err != nil {
			fmt.Println(err)
			continue
		}
		tool, err := reg.Resolve(ref)
		if err != nil {
			fmt.Printf("%-22s → %s (%d)\n", id, otc.ErrorCode(err), otc.ErrorCode(err).HTTPStatus())
			continue
		}
		fmt.Printf("%-22s → %s\n", id, tool.ID())
	}
	// Output:
	// Calculator.Add@1.1.0   → Calculator.Add@1.1.0
	// Calculator.Add@1       → Calculator.Add@1.0.0
	// Calculator.Add         → Calculator.Add@2.0.0
	// Calculator.Add@3       → version_not_available (400)
	// Calculator.Sub         → unknown_tool (400)
}

func ExampleToolError() {
	lookup := otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Weather", Name: "Lookup", Version: "1.0.0",
		Description: "Looks up the weather.",
	}, func(ctx context.Context, _ otc.NoValue) (string, error) {
		// A *ToolError controls what the client sees (CALL-9).
		return "", otc.RetryableError("The weather service is busy.", 2*time.Second,
			"Try again in a moment.")
	})
	_, err := lookup.Call(context.Background(), nil)

	// The server turns any error into the wire object; other errors keep
	// their text out of Message.
	b, _ := json.Marshal(otc.AsToolError(err))
	fmt.Println(string(b))
	b, _ = json.Marshal(otc.AsToolError(errors.New("connection refused")))
	fmt.Println(string(b))
	// Output:
	// {"message":"The weather service is busy.","can_retry":true,"additional_prompt_content":"Try again in a moment.","retry_after_ms":2000}
	// {"message":"The tool failed with an internal error.","developer_message":"connection refused","can_retry":false}
}
