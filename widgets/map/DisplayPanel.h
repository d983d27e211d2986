#pragma once

#include "raster/DisplaySettings.h"

#include <QWidget>

#include <array>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace geolens {

// Band choice and stretch for the raster (none, min-max, 2-98 % cut or custom limits; the tiles
// sent to the model are rendered with the same settings), and the tile grid's controls:
// visibility, overlap and the current selection.
class DisplayPanel : public QWidget {
    Q_OBJECT

public:
    explicit DisplayPanel(QWidget *parent = nullptr);

    void setRaster(const RasterMetadata &metadata, const DisplaySettings &settings);
    void clearRaster();
    // Shows the stretches actually in use once they are computed.
    void showSettings(const DisplaySettings &settings);
    DisplaySettings editedSettings() const;

    void setGridSummary(int columns, int rows, int stride);
    void setSelectionCount(int count);
    void setGridVisible(bool visible);
    void setOverlapPercent(int percent);
    int overlapPercent() const;
    void setResultOpacityPercent(int percent);
    QSlider *resultOpacitySlider() const { return opacity_; }

    QComboBox *modeCombo() const { return mode_; }
    QComboBox *bandCombo(int channel) const { return bands_[channel]; }
    QComboBox *stretchCombo() const { return stretch_; }
    // The custom limits of the channel's band (0-2 red, green, blue; 0 grey): low and high.
    QDoubleSpinBox *customLimit(int channel, bool high) const { return limits_[channel][high ? 1 : 0]; }
    QSpinBox *overlapSpin() const { return overlap_; }
    QCheckBox *gridCheck() const { return showGrid_; }

signals:
    void displaySettingsEdited(const geolens::DisplaySettings &settings);
    void gridVisibilityChanged(bool visible);
    void overlapChanged(double fraction);
    void clearSelectionRequested();
    void resultOpacityChanged(double opacity);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void fillBandCombos();
    void updateEnabledState();
    void emitSettings();
    void showCustomLimits(const DisplaySettings &settings);

    QGroupBox *bandsGroup_;
    QLabel *modeLabel_;
    QComboBox *mode_;
    QLabel *bandLabels_[4];
    QComboBox *bands_[4]; // red, green, blue, grey
    QLabel *stretchLabel_;
    QComboBox *stretch_;
    QWidget *customLimits_;
    QLabel *limitLabels_[3];
    QDoubleSpinBox *limits_[3][2];
    std::array<int, 3> customBands_{0, 0, 0}; // the bands the limit rows show
    QLabel *bandSource_;
    QLabel *stretchInfo_;
    QGroupBox *gridGroup_;
    QCheckBox *showGrid_;
    QLabel *overlapLabel_;
    QSpinBox *overlap_;
    QLabel *gridSummary_;
    QLabel *selectionSummary_;
    QPushButton *clearSelection_;
    QLabel *opacityLabel_;
    QSlider *opacity_;

    std::optional<RasterMetadata> metadata_;
    DisplaySettings settings_;
    int columns_ = 0, rows_ = 0, stride_ = 0, selected_ = 0;
    bool updating_ = false;
};

} // namespace geolens
