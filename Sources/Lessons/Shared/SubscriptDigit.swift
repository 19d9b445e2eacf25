import Plotting

/// "₁" for 1, "₁₆" for 16: `NumberFormat.subscript`, under the name the nonlinear lesson calls it by.
func subscriptDigit(_ i: Int) -> String { NumberFormat.subscript(i) }
