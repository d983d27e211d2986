#pragma once

namespace geolens {

// Limits how long LibTorch's idle OpenMP threads spin before they sleep (GOMP_SPINCOUNT), in a
// program whose threads share the cores with OpenBLAS's own: while one pool works the other spins,
// and on two cores a prefill took as long on both as on one. libgomp reads the setting when it is
// loaded, before main, so a program already linked to it starts itself again with the variable
// set (limitThreadSpinningAndRestart); one that starts the engine with exec sets it for that
// program alone.
// Nothing changes when the user has set GOMP_SPINCOUNT or OMP_WAIT_POLICY.
//
// Sets the variable; returns true when it was not set before.
bool limitThreadSpinning();

// limitThreadSpinning, then, when it set the variable, replaces this process with a fresh start of
// the same program and arguments. Returns only when nothing needed doing or the restart failed.
void limitThreadSpinningAndRestart(char **argv);

} // namespace geolens
