#include "cli/ImageFolderSource.h"

#include "cli/ImageFile.h"
#include "common/Error.h"
#include "evaluation/AnswerNormalisation.h"
#include "evaluation/BenchmarkReader.h"

#include <algorithm>
#include <filesystem>

namespace geolens::cli {

namespace fs = std::filesystem;

ImageFolderSource::ImageFolderSource(std::string folder, const std::vector<std::string> &classes)
    : folder_(std::move(folder))
{
    std::error_code ec;
    if (!fs::is_directory(folder_, ec))
        throw FileError(folder_, "is not a folder");
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(folder_, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            break;
        if (it.depth() > 1) { // the folder and one level of class folders
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec) && isImageFileName(it->path().string()))
            found.push_back(fs::relative(it->path(), folder_, ec).generic_string());
    }
    std::sort(found.begin(), found.end());
    if (found.empty())
        throw FileError(folder_, "holds no images (PNG, JPEG, TIFF, BMP or PPM, in it or in one level of class folders)");
    for (const std::string &file : found) {
        const std::string parent = fs::path(file).parent_path().generic_string();
        std::string truth;
        if (!parent.empty()) {
            truth = parent;
            for (const std::string &c : classes)
                if (sceneClassKey(c) == sceneClassKey(parent))
                    truth = c;
        }
        files_.push_back(file);
        truths_.push_back(truth);
    }
}

TileSample ImageFolderSource::read(std::size_t index) const
{
    TileSample sample;
    sample.image = readImageFile((fs::path(folder_) / files_.at(index)).string());
    sample.truth = truths_.at(index);
    return sample;
}

} // namespace geolens::cli
