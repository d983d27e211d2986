#pragma once

namespace geolens {

// Asks the C library's allocator to keep the memory a model's work frees for the next piece of work.
//
// Inference and training allocate and free the same large tensors over and over: activations,
// attention scores, logits over the vocabulary, gradients. glibc returns any block above its mmap
// threshold to the kernel when it is freed. It also trims the top of its heap as soon as more than
// the trim threshold lies free there. Both thresholds adapt to earlier frees. So whether a tensor
// comes back as fresh zeroed pages depends on the allocation history: a run's folder name was
// enough to double the page faults of a CPU distillation step. Each fresh page is a page fault. A
// CPU distillation step spent two thirds of its time in the kernel, and labelling 8 tiles at once
// a quarter. With every block served from the heap, and the heap trimmed only beyond 1 GiB free,
// the next step reuses the pages of the last. The price: memory freed inside the heap stays with
// the process until it is reused.
//
// Process-wide, so a program that runs models calls it once, before they load: the engine verbs
// of geolens-cli and the GUI. Returns false where the allocator offers no such setting.
bool keepFreedMemory();

} // namespace geolens
