namespace NeuralLandscapes

theorem other_fact : True := trivial

end NeuralLandscapes
