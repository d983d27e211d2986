#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace geolens::cli {

// The command line after the verb: positional arguments and --name value / --name=value options.
// Options listed as flags take no value. Unknown options are an error, so a typo never silently
// falls back to a default.
class CliArguments {
public:
    // Throws UsageError.
    CliArguments(const std::vector<std::string> &args, const std::set<std::string> &valueOptions,
                 const std::set<std::string> &flagOptions = {});

    const std::vector<std::string> &positional() const { return positional_; }
    bool has(const std::string &name) const;
    // The last value given for the option.
    std::optional<std::string> value(const std::string &name) const;
    // Every value given for an option that may repeat (--model A --model B), in order.
    std::vector<std::string> values(const std::string &name) const;
    std::string value(const std::string &name, const std::string &fallback) const;
    int intValue(const std::string &name, int fallback) const;       // throws UsageError
    double doubleValue(const std::string &name, double fallback) const; // throws UsageError

private:
    std::vector<std::string> positional_;
    std::map<std::string, std::string> values_;
    std::map<std::string, std::vector<std::string>> allValues_;
    std::set<std::string> flags_;
};

struct UsageError {
    std::string message;
};

// The trimmed, non-empty items of "a, b,c".
std::vector<std::string> splitList(const std::string &text, char separator);
// Tile ids from "0,5,7"; "all" gives an empty list. Throws UsageError.
std::vector<int> tileList(const std::string &spec);

} // namespace geolens::cli
