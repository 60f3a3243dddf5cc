"""What every app shares and none owns: the lowest layer (core ← accounts ← casework ← benefits). It imports no app
of the project."""
