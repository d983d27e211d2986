#pragma once

#include "raster/RasterMetadata.h"

#include <QWidget>

#include <optional>

class QTreeWidget;

namespace geolens {

// The layer's metadata as a tree: file, size, CRS, geotransform, overviews and each band.
class RasterInfoPanel : public QWidget {
    Q_OBJECT

public:
    explicit RasterInfoPanel(QWidget *parent = nullptr);

    void setMetadata(const RasterMetadata &metadata);
    void clear();
    QTreeWidget *tree() const { return tree_; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuild();

    QTreeWidget *tree_;
    std::optional<RasterMetadata> metadata_;
};

} // namespace geolens
