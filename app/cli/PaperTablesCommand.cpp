#include "cli/PaperTablesCommand.h"

#include "cli/CliArguments.h"
#include "common/AtomicFile.h"
#include "evaluation/PaperTables.h"

#include <filesystem>
#include <iostream>

namespace geolens::cli {

namespace fs = std::filesystem;

int runPaperTables(const std::vector<std::string> &args)
{
    const CliArguments a(args, {"out"});
    if (a.positional().empty())
        throw UsageError{"paper-tables needs one or more report folders written by evaluate"};
    const PaperTables tables = PaperTables::fromReportFolders(a.positional());
    if (const auto out = a.value("out")) {
        std::error_code ec;
        fs::create_directories(*out, ec);
        writeFileAtomically((fs::path(*out) / "paper-tables.md").string(), tables.markdown());
        writeFileAtomically((fs::path(*out) / "paper-tables.csv").string(), tables.csv());
        std::cerr << "geolens-cli: wrote " << (fs::path(*out) / "paper-tables.md").string() << " and paper-tables.csv"
                  << std::endl;
    }
    std::cout << tables.markdown();
    return 0;
}

} // namespace geolens::cli
