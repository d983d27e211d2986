#pragma once

#include <QString>

namespace geolens {

// The geolens-cli that long jobs run in a process of their own (distillation runs and their
// trials): the one next to this application, else the one on PATH.
QString geolensCliPath();

// program as an executable file: itself when it is an absolute path, else looked up on PATH;
// empty when there is no such executable.
QString executableProgram(const QString &program);

} // namespace geolens
