#pragma once

namespace geolens {

// Asks the C library's allocator to keep the memory a training step frees for the next step.
//
// A step allocates and frees the same large tensors every time (logits over the vocabulary,
// activations, gradients). glibc returns any block above its mmap threshold to the kernel when it
// is freed, and trims the top of its heap as soon as more than the trim threshold lies free there;
// both thresholds adapt to earlier frees, so whether a tensor comes back as fresh zeroed pages
// depends on the allocation history (a run's folder name was enough to double the page faults of
// a CPU step). Each fresh page is a page fault: on the CPU a third of a step went to the kernel.
// With blocks up to 32 MiB served from the heap and the heap trimmed only beyond 1 GiB free, a
// step reuses the previous step's pages.
//
// Process-wide, so only a program whose work is training calls it (the distill verb), once, before
// the models load. Returns false where the allocator offers no such setting.
bool keepFreedMemoryForTraining();

} // namespace geolens
