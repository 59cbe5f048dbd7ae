package examples

import (
	"context"
	"math"
	"strconv"

	"github.com/otc-dev/otc"
)

// The Calculator toolkit holds three versions of Add, so that clients can see
// version selection at work: "Calculator.Add@1" is 1.0.0 (VER-2), not
// 1.1.0, and "Calculator.Add" is 2.0.0 (VER-3).

// AddInput is the input of Calculator.Add 1.0.0 and Calculator.Divide.
type AddInput struct {
	A float64 `json:"a" jsonschema:"description=The first number."`
	B float64 `json:"b" jsonschema:"description=The second number."`
}

func addV1() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Calculator", Name: "Add", Version: "1.0.0",
		Description: "Adds two numbers and returns the sum.",
		Idempotent:  true, // arithmetic: a second run changes nothing
	}, func(_ context.Context, in AddInput) (float64, error) {
		return finite(in.A+in.B, "sum")
	})
}

// RoundedAddInput is the input of Calculator.Add 1.1.0.
type RoundedAddInput struct {
	A     float64 `json:"a" jsonschema:"description=The first number."`
	B     float64 `json:"b" jsonschema:"description=The second number."`
	Round *int    `json:"round,omitempty" jsonschema_description:"How many digits to keep after the decimal point, from 0 to 10. Omit it to get the sum unrounded." jsonschema:"minimum=0,maximum=10"`
}

func addV1_1() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Calculator", Name: "Add", Version: "1.1.0",
		Description: "Adds two numbers and returns the sum, optionally rounded to a number of decimal digits.",
		Idempotent:  true, // arithmetic: a second run changes nothing
	}, func(_ context.Context, in RoundedAddInput) (float64, error) {
		sum, err := finite(in.A+in.B, "sum")
		if err != nil || in.Round == nil {
			return sum, err
		}
		return roundDecimal(sum, *in.Round), nil
	})
}

// roundDecimal rounds x to digits decimal digits. Going through the decimal
// text rounds the number that x really is, which multiplying by 10^digits
// would not (2.675 is stored as 2.67499…, so it rounds to 2.67).
func roundDecimal(x float64, digits int) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	if err != nil {
		return x // unreachable: FormatFloat of a finite number parses
	}
	return r
}

// SumInput is the input of Calculator.Add 2.0.0.
type SumInput struct {
	Numbers []float64 `json:"numbers" jsonschema:"description=The numbers to add; at least one.,minItems=1"`
}

func addV2() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Calculator", Name: "Add", Version: "2.0.0",
		Description: "Adds a list of numbers and returns the sum.",
		Idempotent:  true, // arithmetic: a second run changes nothing
	}, func(_ context.Context, in SumInput) (float64, error) {
		var sum float64
		for _, n := range in.Numbers {
			sum += n
		}
		return finite(sum, "sum")
	})
}

func divide() *otc.Tool {
	return otc.MustNewTool(otc.ToolSpec{
		Toolkit: "Calculator", Name: "Divide", Version: "1.0.0",
		Description: "Divides a by b and returns the quotient. Dividing by zero is an error.",
		Idempotent:  true, // arithmetic: a second run changes nothing
	}, func(_ context.Context, in AddInput) (float64, error) {
		if in.B == 0 {
			return 0, &otc.ToolError{Message: "Cannot divide by zero", CanRetry: false}
		}
		return finite(in.A/in.B, "quotient")
	})
}

// finite returns x, or a tool error when x overflowed: JSON has no
// infinities, so the result could not be sent.
func finite(x float64, what string) (float64, error) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, &otc.ToolError{Message: "The " + what + " is too large to represent."}
	}
	return x, nil
}
