#include "DisplayPanel.h"

#include "raster/TrueColourBands.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

namespace geolens {

namespace {

constexpr int Red = 0, Green = 1, Blue = 2, Grey = 3;

} // namespace

DisplayPanel::DisplayPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);

    bandsGroup_ = new QGroupBox(this);
    auto *form = new QFormLayout(bandsGroup_);
    modeLabel_ = new QLabel(bandsGroup_);
    mode_ = new QComboBox(bandsGroup_);
    mode_->addItems({QString(), QString()});
    form->addRow(modeLabel_, mode_);
    for (int c = 0; c < 4; ++c) {
        bandLabels_[c] = new QLabel(bandsGroup_);
        bands_[c] = new QComboBox(bandsGroup_);
        form->addRow(bandLabels_[c], bands_[c]);
        connect(bands_[c], qOverload<int>(&QComboBox::currentIndexChanged), this, &DisplayPanel::emitSettings);
    }
    bandSource_ = new QLabel(bandsGroup_);
    bandSource_->setWordWrap(true);
    form->addRow(bandSource_);
    stretchLabel_ = new QLabel(bandsGroup_);
    stretch_ = new QComboBox(bandsGroup_);
    stretch_->addItems({QString(), QString(), QString(), QString()}); // in DisplaySettings::Stretch order
    form->addRow(stretchLabel_, stretch_);
    connect(stretch_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        customLimits_->setVisible(stretch_->currentIndex() == static_cast<int>(DisplaySettings::Stretch::Custom));
        emitSettings();
    });
    customLimits_ = new QWidget(bandsGroup_);
    auto *grid = new QGridLayout(customLimits_);
    grid->setContentsMargins(0, 0, 0, 0);
    for (int c = 0; c < 3; ++c) {
        limitLabels_[c] = new QLabel(customLimits_);
        grid->addWidget(limitLabels_[c], c, 0);
        for (int h = 0; h < 2; ++h) {
            QDoubleSpinBox *spin = new QDoubleSpinBox(customLimits_);
            spin->setRange(-1e12, 1e12);
            spin->setDecimals(2);
            spin->setKeyboardTracking(false);
            grid->addWidget(spin, c, 1 + h);
            connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &DisplayPanel::emitSettings);
            limits_[c][h] = spin;
        }
    }
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    customLimits_->setVisible(false);
    form->addRow(customLimits_);
    stretchInfo_ = new QLabel(bandsGroup_);
    stretchInfo_->setWordWrap(true);
    form->addRow(stretchInfo_);
    connect(mode_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        updateEnabledState();
        emitSettings();
    });
    layout->addWidget(bandsGroup_);

    gridGroup_ = new QGroupBox(this);
    auto *gridForm = new QFormLayout(gridGroup_);
    showGrid_ = new QCheckBox(gridGroup_);
    showGrid_->setChecked(true);
    gridForm->addRow(showGrid_);
    overlapLabel_ = new QLabel(gridGroup_);
    overlap_ = new QSpinBox(gridGroup_);
    overlap_->setRange(0, 50);
    overlap_->setSuffix(QStringLiteral(" %"));
    gridForm->addRow(overlapLabel_, overlap_);
    gridSummary_ = new QLabel(gridGroup_);
    gridForm->addRow(gridSummary_);
    selectionSummary_ = new QLabel(gridGroup_);
    clearSelection_ = new QPushButton(gridGroup_);
    gridForm->addRow(selectionSummary_, clearSelection_);
    opacityLabel_ = new QLabel(gridGroup_);
    opacity_ = new QSlider(Qt::Horizontal, gridGroup_);
    opacity_->setRange(0, 100);
    opacity_->setValue(45);
    gridForm->addRow(opacityLabel_, opacity_);
    connect(opacity_, &QSlider::valueChanged, this, [this](int v) { emit resultOpacityChanged(v / 100.0); });
    layout->addWidget(gridGroup_);
    layout->addStretch(1);

    connect(showGrid_, &QCheckBox::toggled, this, &DisplayPanel::gridVisibilityChanged);
    connect(overlap_, qOverload<int>(&QSpinBox::valueChanged), this,
            [this](int percent) { emit overlapChanged(percent / 100.0); });
    connect(clearSelection_, &QPushButton::clicked, this, &DisplayPanel::clearSelectionRequested);

    retranslate();
    clearRaster();
}

void DisplayPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void DisplayPanel::retranslate()
{
    bandsGroup_->setTitle(tr("Bands"));
    modeLabel_->setText(tr("Display:"));
    mode_->setItemText(0, tr("RGB composite"));
    mode_->setItemText(1, tr("Single band (grey)"));
    mode_->setToolTip(tr("Show three bands as red, green and blue, or one band in grey"));
    bandLabels_[Red]->setText(tr("Red:"));
    bandLabels_[Green]->setText(tr("Green:"));
    bandLabels_[Blue]->setText(tr("Blue:"));
    bandLabels_[Grey]->setText(tr("Grey:"));
    stretchLabel_->setText(tr("Stretch:"));
    stretch_->setItemText(0, tr("None"));
    stretch_->setItemText(1, tr("Min-max"));
    stretch_->setItemText(2, tr("2-98 % cumulative cut"));
    stretch_->setItemText(3, tr("Custom"));
    stretch_->setToolTip(tr("How band values become brightness, on the map and in the tiles the model reads: "
                            "as they are, from the lowest to the highest value, cutting the darkest and "
                            "brightest 2 %, or between limits you type"));
    for (int c = 0; c < 3; ++c) {
        limits_[c][0]->setToolTip(tr("Value shown as black"));
        limits_[c][1]->setToolTip(tr("Value shown as full brightness"));
    }
    gridGroup_->setTitle(tr("Model tiles"));
    showGrid_->setText(tr("Show tile grid"));
    showGrid_->setToolTip(tr("Show the %1 px tiles the model reads (G)").arg(504));
    overlapLabel_->setText(tr("Overlap:"));
    overlap_->setToolTip(tr("How much neighbouring tiles overlap, as a share of the tile size"));
    clearSelection_->setText(tr("Clear selection"));
    clearSelection_->setToolTip(tr("Deselect all tiles (Esc)"));
    opacityLabel_->setText(tr("Label opacity:"));
    opacity_->setToolTip(tr("How strongly scene labels colour their tiles"));
    fillBandCombos();
    showSettings(settings_);
    setGridSummary(columns_, rows_, stride_);
    setSelectionCount(selected_);
}

void DisplayPanel::fillBandCombos()
{
    const bool wasUpdating = updating_;
    updating_ = true;
    for (QComboBox *combo : bands_) {
        const int current = combo->currentIndex();
        combo->clear();
        if (metadata_) {
            for (const BandInfo &b : metadata_->bands) {
                QString text = tr("Band %1").arg(b.index);
                if (b.colorInterpretation != "Undefined" && b.colorInterpretation != "Gray")
                    text += QStringLiteral(" (%1)").arg(QString::fromStdString(b.colorInterpretation));
                combo->addItem(text, b.index);
            }
        }
        combo->setCurrentIndex(current);
    }
    updating_ = wasUpdating;
}

void DisplayPanel::setRaster(const RasterMetadata &metadata, const DisplaySettings &settings)
{
    updating_ = true;
    metadata_ = metadata;
    settings_ = settings;
    fillBandCombos();
    mode_->setCurrentIndex(settings.mode == DisplaySettings::Mode::Rgb ? 0 : 1);
    for (int c = 0; c < 3; ++c)
        bands_[c]->setCurrentIndex(settings.rgbBands[c] - 1);
    bands_[Grey]->setCurrentIndex(settings.greyBand - 1);
    bandsGroup_->setEnabled(true);
    gridGroup_->setEnabled(true);
    updating_ = false;
    updateEnabledState();
    showSettings(settings);
}

void DisplayPanel::clearRaster()
{
    updating_ = true;
    metadata_.reset();
    settings_ = DisplaySettings();
    fillBandCombos();
    bandsGroup_->setEnabled(false);
    gridGroup_->setEnabled(false);
    stretchInfo_->clear();
    bandSource_->clear();
    customLimits_->setVisible(false);
    updating_ = false;
    setGridSummary(0, 0, 0);
    setSelectionCount(0);
}

void DisplayPanel::updateEnabledState()
{
    const bool rgb = mode_->currentIndex() == 0;
    const bool enoughBands = metadata_ && metadata_->bandCount() >= 1;
    for (int c = 0; c < 3; ++c)
        bands_[c]->setEnabled(rgb && enoughBands);
    bands_[Grey]->setEnabled(!rgb && enoughBands);
}

void DisplayPanel::showSettings(const DisplaySettings &settings)
{
    settings_ = settings;
    if (!metadata_) {
        stretchInfo_->clear();
        bandSource_->clear();
        return;
    }
    const bool wasUpdating = updating_;
    updating_ = true;
    stretch_->setCurrentIndex(static_cast<int>(settings.stretch));
    customLimits_->setVisible(settings.stretch == DisplaySettings::Stretch::Custom);
    showCustomLimits(settings);
    updating_ = wasUpdating;

    // Why these bands: the user then trusts (or corrects) the colours.
    const std::optional<TrueColourBands::Choice> trueColour = TrueColourBands::find(*metadata_);
    if (trueColour && settings.mode == DisplaySettings::Mode::Rgb && settings.rgbBands == trueColour->rgb) {
        switch (trueColour->evidence) {
        case TrueColourBands::Evidence::ColourInterpretation:
            bandSource_->setText(tr("True colour, from the bands' colour interpretation."));
            break;
        case TrueColourBands::Evidence::Descriptions:
            bandSource_->setText(tr("True colour, from the band descriptions."));
            break;
        case TrueColourBands::Evidence::Wavelengths:
            bandSource_->setText(tr("True colour, from the bands' wavelengths."));
            break;
        case TrueColourBands::Evidence::Sensor:
            bandSource_->setText(tr("True colour, from the band order of %1.").arg(QString::fromStdString(trueColour->sensor)));
            break;
        }
    } else {
        bandSource_->clear();
    }

    switch (settings.stretch) {
    case DisplaySettings::Stretch::None:
        stretchInfo_->setText(tr("Values shown as they are (0 black, 255 white)."));
        return;
    case DisplaySettings::Stretch::Custom:
        stretchInfo_->clear();
        return;
    case DisplaySettings::Stretch::MinMax:
    case DisplaySettings::Stretch::CumulativeCut:
        break;
    }
    QStringList lines;
    for (int band : settings.displayedBands()) {
        auto it = settings.stretches.find(band);
        if (it == settings.stretches.end())
            lines << tr("Band %1: computing stretch...").arg(band);
        else
            lines << tr("Band %1: %2 to %3").arg(band).arg(it->second.min, 0, 'g', 6).arg(it->second.max, 0, 'g', 6);
    }
    stretchInfo_->setText(lines.join(QLatin1Char('\n')));
}

void DisplayPanel::showCustomLimits(const DisplaySettings &settings)
{
    const std::vector<int> bands = settings.displayedBands();
    for (int c = 0; c < 3; ++c) {
        const bool used = c < static_cast<int>(bands.size());
        customBands_[c] = used ? bands[c] : 0;
        limitLabels_[c]->setVisible(used);
        for (QDoubleSpinBox *spin : limits_[c])
            spin->setVisible(used);
        if (!used)
            continue;
        limitLabels_[c]->setText(tr("Band %1:").arg(bands[c]));
        auto it = settings.stretches.find(bands[c]);
        limits_[c][0]->setEnabled(it != settings.stretches.end());
        limits_[c][1]->setEnabled(it != settings.stretches.end());
        if (it != settings.stretches.end()) {
            limits_[c][0]->setValue(it->second.min);
            limits_[c][1]->setValue(it->second.max);
        }
    }
}

DisplaySettings DisplayPanel::editedSettings() const
{
    DisplaySettings s = settings_;
    s.mode = mode_->currentIndex() == 0 ? DisplaySettings::Mode::Rgb : DisplaySettings::Mode::Grey;
    for (int c = 0; c < 3; ++c)
        s.rgbBands[c] = bands_[c]->currentData().toInt();
    s.greyBand = bands_[Grey]->currentData().toInt();
    const auto stretch = static_cast<DisplaySettings::Stretch>(stretch_->currentIndex());
    if (stretch == DisplaySettings::Stretch::Custom && s.stretch == DisplaySettings::Stretch::Custom) {
        // The limits typed for the bands the rows show; a band that was just chosen starts from
        // its cut (computed when the settings are completed).
        for (int c = 0; c < 3; ++c) {
            const double low = limits_[c][0]->value(), high = limits_[c][1]->value();
            if (customBands_[c] > 0 && limits_[c][0]->isEnabled() && high > low)
                s.stretches[customBands_[c]] = BandStretch{low, high};
        }
    }
    s.setStretch(stretch);
    return s;
}

void DisplayPanel::emitSettings()
{
    if (updating_ || !metadata_)
        return;
    const DisplaySettings s = editedSettings();
    for (int b : s.displayedBands())
        if (b < 1)
            return;
    emit displaySettingsEdited(s);
}

void DisplayPanel::setGridSummary(int columns, int rows, int stride)
{
    columns_ = columns;
    rows_ = rows;
    stride_ = stride;
    if (columns <= 0) {
        gridSummary_->clear();
        return;
    }
    gridSummary_->setText(tr("%n tile(s) in a %1 x %2 grid, stride %3 px", nullptr, columns * rows)
                              .arg(columns)
                              .arg(rows)
                              .arg(stride));
}

void DisplayPanel::setSelectionCount(int count)
{
    selected_ = count;
    selectionSummary_->setText(tr("Selected: %n tile(s)", nullptr, count));
    clearSelection_->setEnabled(count > 0);
}

void DisplayPanel::setGridVisible(bool visible)
{
    showGrid_->setChecked(visible);
}

void DisplayPanel::setOverlapPercent(int percent)
{
    overlap_->setValue(percent);
}

void DisplayPanel::setResultOpacityPercent(int percent)
{
    opacity_->setValue(percent);
}

int DisplayPanel::overlapPercent() const
{
    return overlap_->value();
}

} // namespace geolens
