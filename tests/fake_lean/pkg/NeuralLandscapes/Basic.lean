namespace NeuralLandscapes

/-- Two is positive. -/
theorem two_pos : (0 : Nat) < 2 := by decide

theorem three_pos : (0 : Nat) < 3 := by decide

end NeuralLandscapes
