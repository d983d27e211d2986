#pragma once

#include <QString>

namespace geolens {

// The geolens-cli that long jobs run in a process of their own (distillation runs and their
// trials): the one next to this application, else the one on PATH.
QString geolensCliPath();

} // namespace geolens
