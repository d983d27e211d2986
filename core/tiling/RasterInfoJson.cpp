#include "tiling/RasterInfoJson.h"

#include "common/JsonIo.h"
#include "raster/TrueColourBands.h"

#include <cmath>

namespace geolens {

std::string rasterInfoJson(const RasterMetadata &m, int indent)
{
    using json = Json;
    json nodata = json::array();
    json colorInterpretation = json::array();
    json descriptions = json::array();
    json wavelengths = json::array();
    for (const BandInfo &b : m.bands) {
        if (!b.nodata)
            nodata.push_back(nullptr);
        else if (std::isnan(*b.nodata))
            nodata.push_back("nan");
        else if (std::isinf(*b.nodata)) // JSON has no infinity; spelled as GDAL spells it
            nodata.push_back(*b.nodata > 0 ? "inf" : "-inf");
        else
            nodata.push_back(*b.nodata);
        colorInterpretation.push_back(b.colorInterpretation);
        descriptions.push_back(b.description);
        wavelengths.push_back(b.wavelengthMicrometres ? json(*b.wavelengthMicrometres) : json(nullptr));
    }
    json overviews = json::array();
    for (const OverviewInfo &o : m.overviews)
        overviews.push_back({{"width", o.width}, {"height", o.height}});

    json doc = json::object();
    doc["path"] = m.path;
    doc["driver"] = m.driver;
    doc["width"] = m.width;
    doc["height"] = m.height;
    doc["bands"] = m.bandCount();
    doc["data_type"] = m.dataType();
    doc["nodata"] = nodata;
    doc["color_interpretation"] = colorInterpretation;
    doc["band_descriptions"] = descriptions;
    doc["wavelength_um"] = wavelengths;
    // The bands the raster opens with in RGB, and what they were found from.
    if (const std::optional<TrueColourBands::Choice> trueColour = TrueColourBands::find(m)) {
        static const char *evidence[] = {"color_interpretation", "band_descriptions", "wavelengths", "sensor"};
        doc["true_colour_bands"] = trueColour->rgb;
        doc["true_colour_from"] = evidence[static_cast<int>(trueColour->evidence)];
    } else {
        doc["true_colour_bands"] = nullptr;
        doc["true_colour_from"] = nullptr;
    }
    doc["crs_wkt"] = m.crsWkt.empty() ? json(nullptr) : json(m.crsWkt);
    doc["epsg"] = m.epsg ? json(*m.epsg) : json(nullptr);
    doc["georeferenced"] = m.isGeoreferenced();
    doc["geotransform"] = m.hasGeoTransform ? json(m.geoTransform) : json(nullptr);
    doc["pixel_size"] = m.hasGeoTransform ? json::array({m.pixelSizeX(), m.pixelSizeY()}) : json(nullptr);
    doc["overviews"] = overviews;
    return dumpJson(doc, indent);
}

} // namespace geolens
