#pragma once

#include <QRectF>
#include <QWidget>

#include <vector>

class QStackedLayout;
class QTreeWidget;

namespace geolens {

class NoModelGuide;

// One analysis result as the list shows it; bounds are in raster pixels for zooming.
struct ResultRow {
    QString task;
    QString label;
    double score = 0.0;
    int tileId = -1;
    QRectF bounds;
    QString prompt;  // what the model was asked
    QString answer;  // what it said, in full
    QString details; // e.g. the top-3 classes of a scene label
};

// Every analysis result in a list; double-click (or Enter) zooms the map to it.
class ResultsPanel : public QWidget {
    Q_OBJECT

public:
    explicit ResultsPanel(QWidget *parent = nullptr);

    void setResults(std::vector<ResultRow> rows);
    int count() const;
    QTreeWidget *tree() const { return tree_; }
    // Without a model (and no results yet) the pane shows how to get one.
    void setModelLoaded(bool loaded);
    bool showsGuide() const;

signals:
    void zoomRequested(const QRectF &rasterBounds);
    void loadModelRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QTreeWidget *tree_;
    NoModelGuide *guide_;
    QStackedLayout *pages_;
    std::vector<ResultRow> rows_;
};

} // namespace geolens
