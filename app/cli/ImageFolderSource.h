#pragma once

#include "distill/AspectTargetJob.h"

#include <string>
#include <vector>

namespace geolens::cli {

// The images of a folder as the teacher pass reads them, in name order, their paths inside the
// folder as ids. Images in subfolders take the subfolder's name as their class (a class-folder
// benchmark such as UC Merced), matched to classes as GeoChat's evaluation compares classes
// ("denseresidential" and "dense residential" are one class).
class ImageFolderSource : public TileSampleSource {
public:
    // Throws FileError for a folder without images.
    ImageFolderSource(std::string folder, const std::vector<std::string> &classes);

    std::size_t size() const override { return files_.size(); }
    std::string id(std::size_t index) const override { return files_.at(index); }
    TileSample read(std::size_t index) const override;

private:
    std::string folder_;
    std::vector<std::string> files_;  // relative to folder_
    std::vector<std::string> truths_; // per file; empty at the top level
};

} // namespace geolens::cli
