#include "distributed/LaunchEnvironment.h"

#include "common/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace geolens {

namespace {

int integerVariable(const std::function<std::optional<std::string>(const std::string &)> &lookup,
                    const std::string &name, int fallback, int minimum)
{
    const std::optional<std::string> text = lookup(name);
    if (!text || text->empty())
        return fallback;
    errno = 0;
    char *end = nullptr;
    const long value = std::strtol(text->c_str(), &end, 10);
    if (errno != 0 || end == text->c_str() || *end != '\0' || value < minimum || value > 1 << 20)
        throw InvalidArgument("The environment variable " + name + " is \"" + *text + "\"; it must be a whole number of " +
                              std::to_string(minimum) + " or more.");
    return static_cast<int>(value);
}

} // namespace

LaunchEnvironment LaunchEnvironment::fromVariables(
    const std::function<std::optional<std::string>(const std::string &)> &lookup)
{
    LaunchEnvironment e;
    e.worldSize = integerVariable(lookup, "WORLD_SIZE", 1, 1);
    if (!e.distributed())
        return e;
    if (!lookup("RANK"))
        throw InvalidArgument("WORLD_SIZE is " + std::to_string(e.worldSize) +
                              " but RANK is not set: start every rank through a launcher such as torchrun.");
    e.rank = integerVariable(lookup, "RANK", 0, 0);
    if (e.rank >= e.worldSize)
        throw InvalidArgument("RANK is " + std::to_string(e.rank) + " but WORLD_SIZE is " +
                              std::to_string(e.worldSize) + ": ranks count from 0 to WORLD_SIZE - 1.");
    e.localRank = integerVariable(lookup, "LOCAL_RANK", e.rank, 0);
    e.localWorldSize = integerVariable(lookup, "LOCAL_WORLD_SIZE", e.worldSize, 1);
    if (const auto address = lookup("MASTER_ADDR"); address && !address->empty())
        e.masterAddress = *address;
    e.masterPort = integerVariable(lookup, "MASTER_PORT", 0, 1);
    if (e.masterPort == 0 || e.masterPort > 65535)
        throw InvalidArgument("MASTER_PORT must name the rendezvous port (1-65535) of a job of " +
                              std::to_string(e.worldSize) + " ranks.");
    const auto agent = lookup("TORCHELASTIC_USE_AGENT_STORE");
    e.agentStore = agent && (*agent == "True" || *agent == "true" || *agent == "1");
    e.restartCount = integerVariable(lookup, "TORCHELASTIC_RESTART_COUNT", 0, 0);
    return e;
}

LaunchEnvironment LaunchEnvironment::fromEnvironment()
{
    return fromVariables([](const std::string &name) -> std::optional<std::string> {
        const char *value = std::getenv(name.c_str());
        if (!value)
            return std::nullopt;
        return std::string(value);
    });
}

namespace {

// The GPU index a device names ("auto" and "cuda" name GPU 0); -1 for the CPU or no device.
int gpuIndex(const std::string &device)
{
    if (device == "auto" || device == "cuda")
        return 0;
    if (device.rfind("cuda:", 0) != 0)
        return -1;
    return std::atoi(device.c_str() + 5);
}

} // namespace

int devicesPerRank(const std::vector<std::string> &devices)
{
    int highest = -1;
    for (const std::string &d : devices)
        highest = std::max(highest, gpuIndex(d));
    return std::max(1, highest + 1);
}

std::string rankDeviceName(const std::string &device, int localRank, int devicesPerRank)
{
    if (device.rfind("cuda", 0) != 0)
        return device;
    return "cuda:" + std::to_string(localRank * std::max(1, devicesPerRank) + gpuIndex(device));
}

} // namespace geolens
