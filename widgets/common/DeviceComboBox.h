#pragma once

#include "GpuInventory.h"

#include <QComboBox>

namespace geolens {

// Where a model runs: "auto", "cpu" and one item per GPU with its free memory ("cuda:0 — NVIDIA
// H200, 120.5 GiB free of 139.8 GiB"), editable so that a device the list lacks can be typed
// (cuda:3). device() is always the plain name a run setting takes.
class DeviceComboBox : public QComboBox {
    Q_OBJECT

public:
    explicit DeviceComboBox(QWidget *parent = nullptr);

    // Replaces the GPU items, keeping the device chosen.
    void setGpus(const QList<GpuInfo> &gpus);
    // "auto", "cpu", "cuda:N", or the text typed when it is no item's.
    QString device() const;
    // Selects the item of a device, or keeps one the list lacks as typed text, so that a check
    // can name it instead of the box silently changing it.
    void setDevice(const QString &device);
};

} // namespace geolens
