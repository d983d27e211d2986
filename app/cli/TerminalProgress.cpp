#include "cli/TerminalProgress.h"

#include <cstdio>

#include <unistd.h>

namespace geolens::cli {

TerminalProgress::TerminalProgress(std::string label)
    : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) != 0)
{
}

TerminalProgress::~TerminalProgress()
{
    if (drawn_)
        std::fputc('\n', stderr);
}

void TerminalProgress::update(std::int64_t done, std::int64_t total)
{
    if (!enabled_ || total <= 0)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && drawn_ && now - last_ < std::chrono::milliseconds(100))
        return;
    last_ = now;
    drawn_ = true;
    constexpr int width = 30;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total));
    std::fflush(stderr);
}

std::string tileRateSince(std::chrono::steady_clock::time_point started, std::size_t count, int decimals)
{
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char rate[64];
    std::snprintf(rate, sizeof rate, " at %.*f tiles/s", decimals, static_cast<double>(count) / seconds);
    return rate;
}

} // namespace geolens::cli
