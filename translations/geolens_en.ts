<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>QObject</name>
    <message>
        <source>Rasters (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::AnalysisLayer</name>
    <message>
        <source>P(%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::AnalysisMenu</name>
    <message>
        <source>&amp;Analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load &amp;Model...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a GeoChat or LLaVA-1.5 model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Label Tiles...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give each selected tile (or every tile) a scene class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find Objects...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw boxes around the objects a query names, in the selected tiles (or all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Describe with Boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describe the selected tiles (or all) with boxes around what is mentioned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describe &amp;Region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drag a rectangle on the map to have the model describe it; turn it with the mouse wheel while dragging (Ctrl for 1 degree steps). Shift+drag works at any time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Results...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the results to a GeoPackage, GeoJSON or CSV file in the raster&apos;s CRS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find Objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What should GeoLens look for?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV table (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load %1 with the image size and weights last chosen for it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent &amp;Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label Tiles with &amp;Classifier...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label the selected tiles (or every tile) with a trained multi-aspect tile classifier: a class and the probability of each aspect, hundreds of times faster than the model. Needs no model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;olour Tiles By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour the labelled tiles by their class, or as a heat map of one aspect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a Tile Classifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Aspect: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::AnalysisTasks</name>
    <message>
        <source>Load Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the model from %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot load the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoLens cannot load the model in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the model was canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label Tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labelling tiles with %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labelling failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tiles could not be labelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Labelled %n tile(s)</source>
        <translation>
            <numerusform>Labelled %n tile</numerusform>
            <numerusform>Labelled %n tiles</numerusform>
        </translation>
    </message>
    <message>
        <source>Describe with Boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describing the tiles...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find Objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finding objects failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The search could not run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Found %n box(es)</source>
        <translation>
            <numerusform>Found %n box</numerusform>
            <numerusform>Found %n boxes</numerusform>
        </translation>
    </message>
    <message>
        <source>Load a model first (Analysis &gt; Load Model) to describe a region.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describe Region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describing the region...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describing the region failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The region could not be described.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Region: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model could not answer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) drawn on the map</source>
        <translation>
            <numerusform>%n box drawn on the map</numerusform>
            <numerusform>%n boxes drawn on the map</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot ask the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The image for the question could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results written to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The results could not be written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) reached outside the raster and were clipped or dropped</source>
        <translation>
            <numerusform>%n box reached outside the raster and was clipped or dropped</numerusform>
            <numerusform>%n boxes reached outside the raster and were clipped or dropped</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 tiles labelled, canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) answered without a box: their answers are in Results</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 % yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label Tiles with Classifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labelling tiles with the classifier %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) labelled by the classifier, canceled</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The classifier in %1 could not label the tiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The classifier labelled %n tile(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>geolens::ChatPanel</name>
    <message>
        <source>Ask about the selected tile or the view...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask the question (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the answer; what was written so far is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the conversation as text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a tile, or ask about the current view.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoLens:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About the current view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About tile #%1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::ConfusionMatrixView</name>
    <message>
        <source>True class: %1
Read from the answer: %2
%3 of %4 answered questions (%5%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No confusion matrix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read from the answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True class</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::CoordinateStatusWidget</name>
    <message>
        <source>outside the raster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixel %1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map %1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lon %1, Lat %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lon/Lat unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom %1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixel (column, row) under the cursor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map coordinates in the raster&apos;s CRS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longitude and latitude (WGS84)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No georeferencing: coordinates are in pixels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This raster has no CRS or geotransform; results will be placed in pixel coordinates.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DisplayPanel</name>
    <message>
        <source>Bands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RGB composite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Single band (grey)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show three bands as red, green and blue, or one band in grey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Red:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Green:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blue:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grey:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show tile grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the %1 px tiles the model reads (G)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlap:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How much neighbouring tiles overlap, as a share of the tile size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deselect all tiles (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Band %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Band %1: computing stretch...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Band %1: %2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Selected: %n tile(s)</source>
        <translation>
            <numerusform>Selected: %n tile</numerusform>
            <numerusform>Selected: %n tiles</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) in a %1 x %2 grid, stride %3 px</source>
        <translation>
            <numerusform>%n tile in a %1 x %2 grid, stride %3 px</numerusform>
            <numerusform>%n tiles in a %1 x %2 grid, stride %3 px</numerusform>
        </translation>
    </message>
    <message>
        <source>Label opacity:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How strongly scene labels colour their tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stretch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Min-max</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>2-98 % cumulative cut</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How band values become brightness, on the map and in the tiles the model reads: as they are, from the lowest to the highest value, cutting the darkest and brightest 2 %, or between limits you type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value shown as black</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value shown as full brightness</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True colour, from the bands&apos; colour interpretation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True colour, from the band descriptions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True colour, from the bands&apos; wavelengths.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True colour, from the band order of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Values shown as they are (0 black, 255 white).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Band %1:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillDataPage</name>
    <message>
        <source>Share of the entries held out for validation when no validation file is given (0 to 0.5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The instruction conversations the student learns from, checked before going on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoChat/LLaVA instruction JSON: a list of conversations about one image each</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instructions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder the instruction file&apos;s image paths are relative to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional plain text or .jsonl for the pretraining loss L_PT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Corpus (optional):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text (*.txt *.jsonl);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional instruction JSON used for validation instead of a share of the training file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation file (optional):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The validation fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation fraction:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loads the data as a run would and reports what it found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Check to load the data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first samples of the data, as the student will see them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Check: the data must load with at least one sample before going on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The corpus file %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 entries, %2 samples.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillMethodPage</name>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the student learns from the teacher. Choosing a method resets the advanced settings to its own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SFT warm start, then MiniLLM (policy gradient and per-token reverse KL), feature alignment and the pretraining loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hinton&apos;s token-level knowledge distillation on the dataset&apos;s answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cross-entropy on the dataset&apos;s answers alone: the baseline without a teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per-token reverse KL to the teacher on the dataset&apos;s answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cross-entropy on the answers the teacher generates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alignment of the projector features, with cross-entropy on the answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every weight and hyperparameter of the method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a method.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss terms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the MSE between the teacher&apos;s and the student&apos;s projector outputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of MiniLLM&apos;s long-term policy-gradient term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the exact per-token reverse KL over the vocabulary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the pretraining loss L_PT on the corpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of Hinton&apos;s knowledge distillation loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the cross-entropy on the answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Softmax temperature of both models in the KD loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of the KD loss that is the KL to the teacher; the rest is cross-entropy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MiniLLM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher share of the mixture the rollouts are sampled from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount of the long-term reward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PPO clip: the probability ratio is kept within 1 ± this</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimisation passes over each batch of rollouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompts per batch of rollouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest answer a rollout generates, in tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of L_PT computed against the teacher&apos;s distribution instead of the corpus tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rewards are divided by this before clamping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scaled rewards are clamped to ± this</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling temperature of the rollouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rollouts sample among this many most likely tokens; 0 turns it off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nucleus sampling of the rollouts; 1 turns it off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Length-normalised reward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Divides the long-term reward by the answer length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whiten advantages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scales the advantages of a batch to zero mean and unit variance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train LoRA adapters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trains small low-rank adapters instead of every weight of the language model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rank of each adapter: larger learns more and needs more memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adapter scale: the update is multiplied by alpha / rank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dropout on the adapters&apos; input; 0 for the paper&apos;s method, whose PPO ratio it would disturb</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wraps the %1 projection of every layer with an adapter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fast tile classifier (multi-aspect)...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instead of a smaller language model, a small CNN that learns the teacher&apos;s class and yes/no aspects of every tile and labels a whole mosaic hundreds of times faster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A small CNN that learns the teacher&apos;s class and yes/no aspects of every tile: a whole mosaic labelled in minutes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillModelsPage</name>
    <message>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The large teacher and the small student it teaches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model folder (config.json and weights) whose answers the student learns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model folder that is trained; it must share the teacher&apos;s vocabulary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>student</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The teacher (%1) has a vocabulary of %2 tokens and the student (%3) one of %4: distillation compares their next-token distributions token by token, so both must use the same tokenizer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no config.json: it is not a model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layout: %1 · about %2 parameters · vocabulary: %3 tokens · text: %4 layers of %5 · vision: %6 layers of %7 at %8 px
Weights: about %9 in bf16, %10 in f32</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the %1 model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 model cannot be used: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for GPUs with %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: only the CPU is listed; type cuda:N to use a GPU anyway.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPUs from %1, with the memory that was free when this wizard opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the model runs: auto takes the first GPU when there is one, else the CPU; another device can be typed as cuda:N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The student (about %1 parameters) is larger than the teacher (about %2): distillation teaches a smaller model from a larger one. Check that the two folders are not swapped.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillReviewPage</name>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run configuration that will be saved as run.json in the output folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exactly what run.json will hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No problems found: Launch saves run.json and starts the run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Launch is disabled until these are fixed:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillRunMonitor</name>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide what the run writes (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop after the current step with a checkpoint, so that the run can be resumed (Ctrl+.); pressing again offers to terminate it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue the stopped run from its last checkpoint (Ctrl+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Run Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the run&apos;s files in the file manager (Ctrl+Shift+O)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Distilled Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load the student this run exported (Ctrl+Shift+M)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw the curves of other run folders as dashed lines (Ctrl+Shift+C)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimiser steps done of the run&apos;s total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped (resumable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not running: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run is already going in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the run folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No run folder is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run is still going.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist: there is no run to resume.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an executable program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Terminate...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exit code %1; %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the process ended without a word in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2 steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>elapsed %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, about %1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run (process %1) could not be terminated: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Terminate the Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run has been asked to stop after its current step. Terminate it now? It still saves a checkpoint if it can.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist: the folder holds no distillation run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with Run Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with Teacher...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the teacher and the distilled student on the tiles selected on the map, side by side: answers, boxes and time per tile (Ctrl+Shift+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare Runs...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluate Student and Teacher...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score the distilled student and its teacher on a benchmark, side by side in one report (Ctrl+Shift+E)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running on %1 GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run needs at least one process, not %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run could not be recorded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run cannot be resumed as it was started: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not found, and a run on %2 GPUs is started through it. torchrun comes with PyTorch (Debian: python3-torch; elsewhere: pip install torch).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a distillation run folder: it holds no run.json, metrics.jsonl, checkpoints or log of a run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distillation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distillation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No running process holds the lock of %1, so nothing is terminated.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillTrainingPage</name>
    <message>
        <source>Peak learning rate; about 2e-5 with LoRA, 5e-6 when every weight is trained</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps over which the learning rate rises from 0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Samples per forward pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forward passes whose gradients are summed before each optimiser step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimiser steps of the run; used when epochs is off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passes over the training data; off: the run lasts the given steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps between validation passes; 0: only at the end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps between checkpoints; 0: only at the end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supervised steps on the answers before the paper&apos;s objective starts; 0 when the student is already fine-tuned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input resolution of the vision tower; the model&apos;s own when off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Positions per sample: the prompt with the image features plus the answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache resized images in the run folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decodes and resizes each image once per run so that later epochs skip it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimiser, length of the run, precision and where the run is written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the learning rate falls after the warm-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warm-up steps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gradient accumulation:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation interval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checkpoint interval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SFT warm-up steps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seeds the data split, the shuffling and the rollouts, so a run can be repeated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision of the weights; auto: bf16 on a GPU, f32 on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum length:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run folder: run.json, checkpoints, metrics and the exported student go there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An estimate, not a measurement: weights in the chosen precision, plus 12 bytes per trainable student parameter (its gradient and AdamW&apos;s two moments); activations, the image cache and the framework&apos;s own memory come on top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The seed must be a whole number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the output folder the run is written to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The output folder %1 is a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The output folder %1 is not empty and holds no run (run.json): choose an empty or new folder so that no other files are mixed with the run&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory estimate: choose both models first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated memory on %1: about %2 (teacher %3, student %4 with %5 trainable parameters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated memory: teacher about %1 on %2; student about %3 on %4 (%5 trainable parameters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weights plus 12 bytes per trainable parameter; activations come on top.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs a few real steps of this configuration to measure the time per step and the memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ends the trial run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting a trial run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the models and the data for a trial of %1 steps...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trial step %1 of %2...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 per distillation step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%1 per SFT step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 per step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about %1 for about %2 steps (%3 epochs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about %1 for %2 steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about %1 per 1000 steps (check the data to count the steps of an epoch)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>peak GPU memory %1, RAM %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>peak RAM %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1; %2; %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not measured: Measure times a few real steps of this configuration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The trial run failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The measurement was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measured for other settings; measure again. (Then: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measured: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: that is more than the %1 free on %2 (%3); the run is likely to run out of memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2) has %3 free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answers and teacher (KD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answers only (CE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the warm start learns from: the answers together with the teacher&apos;s outputs, as the paper&apos;s first stage, or the answers alone (the teacher then runs only at validations)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warm start learns from:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPUs to use:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The command Launch runs after saving run.json in the output folder: each of the processes torchrun starts is one rank of the run, on GPUs of its own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run on %1 GPUs is started through torchrun, which is not found. It comes with PyTorch (Debian: python3-torch; elsewhere: pip install torch); or choose 1 GPU.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The student is trained on the CPU; a run on several GPUs needs it on a GPU (the student device on the models page).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The GPUs are being listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run on several GPUs needs at least two; %1 is listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run on several GPUs needs at least two; none is listed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each process uses %1 GPUs, as many as the teacher&apos;s and the student&apos;s devices name; the %2 listed are too few for two processes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With the teacher and the student on different GPUs, each process uses %1 of them: cuda:i of the rank r is cuda:(r × %1 + i).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not found: it comes with PyTorch (Debian: python3-torch; elsewhere: pip install torch). Without it the run can use one GPU only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated memory per GPU, in each of the %1 processes: about %2 (teacher %3, student %4 with %5 trainable parameters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated memory per GPU, in each of the %1 processes: teacher about %2 on its %3; student about %4 on its %5 (%6 trainable parameters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enough is free on %1 of the run&apos;s GPUs; the least free is %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many GPUs the run is spread over: more than one starts it through torchrun, one process per GPU, each training on its part of the data; the first alone writes the run folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run (process %1) is using %2 now: wait for it to end, stop it in its monitor, or choose another folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds an earlier run (%2): launching clears it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillWizard</name>
    <message>
        <source>Choose with a file dialog</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the instruction JSON file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the folder the instruction file&apos;s image paths are relative to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no usable entry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The validation file %1 holds no usable entry:
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation file: %1 entries, %2 samples.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Q: %1
A: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a number: “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Distillation Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Launch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 days %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the prompt, the image&apos;s %1 tokens and one answer token take up to %2 positions (%3 with the whole answer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raise the maximum length (run.max_length) to at least %1 or lower the image size (run.image_size).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None of the %1 training samples fits in the maximum length of %2: %3. %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 training samples do not fit in the maximum length of %3 and will be skipped: %4. %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The samples&apos; lengths are measured with the student&apos;s tokenizer, and %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bad entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unreadable image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>turn order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 entries, %3 used, %4 samples</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; %1 skipped (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; %1 unanswered last questions dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>entry %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>entry %1 (id &quot;%2&quot;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillationMenu</name>
    <message>
        <source>&amp;Distillation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New Distillation Run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distil a teacher model into a smaller student, step by step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Distillation Run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow a running distillation or look at a finished one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Compare Teacher and Student...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run a teacher and its distilled student on the selected tiles side by side: answers, boxes and time per tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Evaluate Models...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score one or more models on a benchmark (scene classes, questions, boxes or captions) and compare them side by side in a report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Evaluation &amp;Report...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the report folder of an evaluation, finished or still running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;Tile Classifier (Multi-Aspect)...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distil the model into a fast tile classifier: the model judges every tile&apos;s class and aspects, a small network learns them and labels a whole mosaic in minutes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::DistillationWindows</name>
    <message>
        <source>The run could not be started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run configuration could not be written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geolens-cli distill did not start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Distillation Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Evaluation Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder cannot be shown as a distillation run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tile classifier&apos;s run did not start.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::EvaluateDialog</name>
    <message>
        <source>Evaluate Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Models:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model folders to evaluate, each with its config.json; the report shows them side by side in this order, named after their folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a model folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected model folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Benchmark:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scene classification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visual question answering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referring expressions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grounding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Captioning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the models are asked and how their answers are scored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Questions file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Images folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder the questions&apos; images are found in; for scene classification without a questions file, one sub-folder per class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;port folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the report is written: the scores, every answer, the summary table and report.html</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Limit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask only this many questions, spread over the benchmark, for a quicker estimate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ba&amp;tch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Questions answered together; more is faster until the device&apos;s memory runs out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the models run: auto takes the first GPU when there is one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Precision:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The numbers the models compute with: auto is bf16 on a GPU that has it and f32 on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image si&amp;ze:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the model&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The side of the square the images are resized to; the model&apos;s own size unless set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Question &amp;types:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all types, or e.g. presence,comparison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visual question answering only: the question types to ask, separated by commas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R&amp;esume: keep the answers already in the report folder and ask only the rest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue an evaluation that was canceled or failed, without asking again what it answered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start geolens-cli evaluate with these settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the evaluation; what was answered stays in the report folder, and Resume continues it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide this dialog; a run goes on and its report opens when it is done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: without one, each sub-folder of the images folder is a class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>required: the benchmark&apos;s questions (JSON or JSONL)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scene classification reads its classes from the images folder&apos;s sub-folders unless a questions file is given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The benchmark&apos;s questions and their true answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add at least one model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model folder %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no config.json: it is not a model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two model folders are named %1. The report names each model after its folder: rename one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the questions file: the %1 benchmark needs one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The questions file %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the images folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The images folder %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the report folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a file, not a folder: choose another report folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a device: use auto, cpu, cuda or cuda:N.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the question types as names separated by commas, such as presence,comparison.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a Model Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Questions File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Questions (*.json *.jsonl);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An evaluation is already running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an executable program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting geolens-cli evaluate...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceling: the evaluation writes what it has answered, then stops...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 (model %2 of %3)...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (model %2 of %3): %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: loading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 of %3): %4 / %5 questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 / %3 questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing the report in %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled. The questions answered so far are kept in %1; check Resume and Run to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geolens-cli evaluate ended abnormally.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geolens-cli evaluate ended abnormally: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished: the report is in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geolens-cli did not accept the settings: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no message)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The evaluation failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier Answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The report folder already holds answers of %1 from an earlier run.

Resume that run and ask only the questions not answered yet? Choose No to pick another report folder.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::EvaluationReportData</name>
    <message>
        <source>%1 is not a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 names no model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist: the folder holds no evaluation report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid JSON (at byte %2: %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not hold a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a quoted field is not closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid CSV: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2, is not a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::EvaluationReportView</name>
    <message>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the report folder again (it is also read whenever its files change)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open HTML Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open report.html, the self-contained report of this evaluation, in the browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the report&apos;s files in the file manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confusion Matrices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which class each model read from its answers, per true class; click a cell to see its questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The questions of the confusion cell clicked: the image, the answer and the true class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scene classification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visual question answering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referring expressions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grounding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Captioning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No evaluation report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of the benchmark&apos;s %2 questions, %3 model(s): %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 questions, %2 model(s): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left out of the benchmark: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Under way: the scores appear when the models have answered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accuracy per class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accuracy per question type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Boxes found per object size (IoU at least 0.5 and 0.25)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caption scores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OA %1, AA %2, answers without a class: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confusion matrix of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click a cell of a confusion matrix to list its questions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1: true class %2, read as %3: %n question(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1
Answer: %2
True class: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Params (M)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GFLOPs per answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seconds per question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time outside the model (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rural/urban</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overall (paper&apos;s mOA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean of types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OA %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AA %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>acc@0.5 %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::EvaluationReportWindow</name>
    <message>
        <source>Evaluation Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation Report: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::GpuInventory</name>
    <message>
        <source>, %1 free of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed with exit code %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed (exit code %2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists no GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 did not answer within %2 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::LossPlotWidget</name>
    <message>
        <source>Series</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the curves to show; a double-click in the plot fits the view to them again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the past in the moving average of the training curves (0: none); the raw points stay drawn faintly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logarithmic loss axis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw the losses on a logarithmic scale (values at or below zero are not shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the plot as an image or PDF, or its data as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plot as PNG image...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plot as PDF...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data as CSV...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory (GB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (smoothed %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
Step %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plot could not be drawn as an image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plot could not be drawn as a PDF.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::MainWindow</name>
    <message>
        <source>Some pixels could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoLens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 - GeoLens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Raster...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a GeoTIFF, COG, VRT, JPEG2000, PNG or JPEG file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Tiles...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the selected tiles (or all tiles) as PNG files with a GeoJSON index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build &amp;Overviews...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write reduced-resolution copies beside the raster (FILE.ovr) so that zoomed-out views are fast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close Raster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom to &amp;Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Native Resolution (1:1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Tile Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear Tile &amp;Selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About GeoLens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System Default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Raster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Tiles To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About GeoLens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;GeoLens %1&lt;/b&gt;&lt;p&gt;A desktop workbench for remote-sensing vision-language models: open rasters of any size, cut them into model tiles, and place the model&apos;s answers on the map.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Region turned by %1 degrees</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::MapCanvas</name>
    <message>
        <source>Open a raster (File &gt; Open or drag a file here)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::MetricsSeriesModel</name>
    <message>
        <source>“%1” (key %2 in metrics.jsonl) is zero at every step, so it is hidden; tick to show it anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide “%1” (key %2 in metrics.jsonl)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reverse KL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation reverse KL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student answer length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU memory (GB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Process memory (GB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alignment term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy-gradient term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Single-step term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pretraining term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KD term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cross-entropy term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alignment share of the gradient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy ratio deviation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clipped token share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Aspect term (binary cross-entropy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation agreement with the teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation aspect error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::ModelComparisonDialog</name>
    <message>
        <source>Teacher Model Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student Model Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Comparison Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON report (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tiles are selected: select the tiles to compare on the map first (click, Ctrl+click).</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>On %n selected tile(s): %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Open a raster first: the models are compared on its tiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select the tiles to compare on the map first (click a tile, Ctrl+click for more).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 tiles are selected; a comparison takes at most %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the teacher&apos;s model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The teacher folder %1 holds no config.json, so it is not a model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the student&apos;s model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The student folder %1 holds no config.json, so it is not a model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the scene classes, separated by commas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say what to find, such as &quot;airplanes&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the question both models should answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The teacher&apos;s device must be auto, cpu or cuda:N, not &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The student&apos;s device must be auto, cpu or cuda:N, not &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare Teacher and Student</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Running %1 and then %2 on %n tile(s)...</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The comparison failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The comparison was canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>same</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>different</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 % similar; %2 of %3 boxes matched, %4 found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 % similar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2 (%3): %4 s per tile, %5 tokens/s, loaded in %6 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same label on %1 of %2 tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same answer on %1 of %2 tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; answers %1 % similar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; box F1 %1 against the teacher&apos;s boxes (IoU at least %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;The student runs at %1× the teacher&apos;s speed.&lt;/b&gt; %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher: %1
Student: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The report could not be written to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The scene classes both models choose from, separated by commas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What both models should put boxes around, such as &quot;airplanes&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Both models describe each tile with boxes around what they mention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Question:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The question both models answer about each tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The larger model the student learned from (a model folder with config.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The distilled model, such as the student folder of a distillation run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the model runs: auto takes the first GPU when there is one, else the CPU; another device can be typed as cuda:N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scene labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find objects (boxes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describe with boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What both models are asked about every selected tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load the teacher, then the student, one after the other, and run both on the selected tiles, one tile at a time (Alt+C)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Report...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write both models&apos; answers, boxes, times and the agreement as JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The map shows:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher (s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student (s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::ModelLoadDialog</name>
    <message>
        <source>%1 billion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 million</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A model folder: config.json, the weights and tokenizer.model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The side of the square the model sees each tile at. GeoChat runs at 504 px; a smaller size is faster and needs less of the model&apos;s context. Remembered for each model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About %1 parameters; text context of %2 positions; at %3 px an image takes %4 of them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This model cannot take its images: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic: bf16 on a GPU, f32 on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>f32: full precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bf16: half the memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only for checkpoints without vision-tower weights, as the original LLaVA-1.5 releases are: the folder of the CLIP model their config names, e.g. openai/clip-vit-large-patch14-336. Remembered for each model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>int8 (CPU): a quarter of the memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vision tower:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vision Tower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this checkpoint has no vision-tower weights: like the original LLaVA-1.5 releases, it keeps the CLIP tower apart. Download the tower its config.json names (e.g. `hf download openai/clip-vit-large-patch14-336 --local-dir clip-vit-large-patch14-336`) and choose its folder under Vision tower.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the model&apos;s weights are held. bf16 halves the memory of f32: a 7B model loads in 14 GB. int8 holds the language model&apos;s layers as int8 and the rest as bf16, on the CPU only: a 7B model loads in under 8 GB and decodes fastest there. Both answer close to f32: docs/engine.md gives their drift and speed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::ModelStatusLabel</name>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model: %1 (%2, %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click to load a model folder (Ctrl+M)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
%2 layout, %3 billion parameters, %4 MiB of weights
%5 layers, hidden size %6, %7 px input, %8 image tokens
Click to load another model</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::NoModelGuide</name>
    <message>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoLens runs GeoChat and LLaVA-1.5 models from a folder on this computer. Download one (about 14 GB for a 7B model) with Hugging Face&apos;s command-line tool, then load its folder. An interrupted download resumes when the same command runs again. The README&apos;s Models section lists the memory each needs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commands for a terminal; select them or use Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Commands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the download commands to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load Model...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a downloaded model folder (Ctrl+M)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::RasterInfoPanel</name>
    <message>
        <source>Property</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 x %2 pixels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none: pixel coordinates only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixel size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Origin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geotransform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overviews</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Band list</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n more band(s)</source>
        <translation>
            <numerusform>%n more band</numerusform>
            <numerusform>%n more bands</numerusform>
        </translation>
    </message>
    <message>
        <source>Band %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nodata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::RasterTasks</name>
    <message>
        <source>Opening %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open raster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GeoLens cannot open %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Opened %1 (%2 x %3, %n band(s))</source>
        <translation>
            <numerusform>Opened %1 (%2 x %3, %n band)</numerusform>
            <numerusform>Opened %1 (%2 x %3, %n bands)</numerusform>
        </translation>
    </message>
    <message>
        <source>No overviews: File &gt; Build Overviews makes zoomed-out views fast.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computing the display stretch...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Writing %n tile(s)...</source>
        <translation>
            <numerusform>Writing %n tile...</numerusform>
            <numerusform>Writing %n tiles...</numerusform>
        </translation>
    </message>
    <message>
        <source>Tile export canceled; the tiles written so far are complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tiles could not be written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiles written to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build Overviews</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building overviews for %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building overviews canceled; nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot build overviews</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overviews for %1 could not be built.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overviews built; reopening %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::RecentFilesMenu</name>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear Recent Files</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::ResultsPanel</name>
    <message>
        <source>Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click a result to zoom to it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asked: %1
Answer: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::SceneLabelDialog</name>
    <message>
        <source>Label Tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class lists of the benchmarks GeoChat is evaluated on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One class per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate: free answer mapped to a class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score: probability of every class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scoring compares the likelihood of every class name as the answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected tiles (all when none is selected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiles in view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiles:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::TaskRunner</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::TileClassifierRunWindow</name>
    <message>
        <source>Tile Classifier Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End the running step; Resume goes on where it stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the steps again: what is done is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label Tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label the map&apos;s tiles with the best classifier so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run is going; stop it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geolens-cli was not found next to this application or on PATH.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step %1 of %2: the teacher judges every tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step %1 of %2: the classifier learns</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) judged</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>epoch %v of %m</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: the classifier is in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped. Resume goes on where it stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step %1 failed; its messages are below.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::TileClassifierWizard</name>
    <message>
        <source>New Tile Classifier (Multi-Aspect)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher and tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model asks every tile its class and the aspect questions; a small classifier then learns its answers and labels a whole mosaic in minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The GeoChat model folder that answers the questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the Teacher Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A raster, whose tiles are judged, or a folder of images; images in subfolders take the subfolder&apos;s name as their true class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a Folder of Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raster or image folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My own classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One class a line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your own classes, one a line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new or empty folder, or one whose run is to go on: the targets, the training run and the classifier go there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the Output Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Aspect questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes/no questions the teacher answers about every tile. The classifier learns the probability of each as well as the class, and puts it on the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One question a line, as &quot;key: question?&quot;; lines starting with # are comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset to Defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The built-in questions about land cover, buildings, objects and setting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Student</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The classifier and its training. The defaults suit most mosaics.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ResNet-18</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ResNet-10 (faster, smaller)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The side of the tile images the classifier sees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs at most:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training stops after this many epochs without a better validation accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Patience:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the aspects&apos; binary cross-entropy beside the classes&apos; cross-entropy; 0 learns the classes alone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Aspect weight:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The class folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The teacher&apos;s classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the classes are learnt from; automatic takes the class folders when every image is in one, else the teacher&apos;s answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classes from:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of the tiles held out to choose the best epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation share:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run will be:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the teacher model folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a model folder: it has no config.json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a raster or a folder of images that exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write at least one class, one a line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A class cannot hold a comma.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the output folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not empty and holds no earlier run of this kind; choose a new or empty folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n question(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The teacher&apos;s CLIP tower, frozen, with a small head</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A CNN learns from the pixels. The CLIP tower sees what the teacher sees and trains only a small head, but runs slower and keeps reading the teacher&apos;s folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channels of the CNN&apos;s first stage (64 is ResNet&apos;s own), or the head&apos;s hidden width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CLIP tower student needs the teacher&apos;s model folder, not random weights.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>geolens::TrialRun</name>
    <message>
        <source>This configuration cannot run:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a temporary folder in %1 for the trial: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an executable program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ended with exit code %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The trial wrote %1 steps to %2, too few to time one.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Raster to open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture of the window once the raster is drawn, then quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interface language (en, zh_CN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile ids to select, comma-separated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model folder to load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model input size in pixels (default: the model&apos;s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label the tiles with a class preset (ucm, aid, nwpu) once the raster and model are loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask the chat a question about the view once the raster and model are loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the objects a query names in the selected tiles (or all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describe the selected tiles (or all) with boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describe a region given in raster pixels as x1,y1,x2,y2[,angle]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the results to a .gpkg, .geojson or .csv file once every task is done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show a distillation run folder in the run monitor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare the --model (the student) with this teacher folder on the selected tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What --compare-with asks: scene:CLASSES, refer:QUERY, grounding or question:TEXT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation report folder to show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote-sensing vision-language workbench.

Environment: GEOLENS_MODEL=folder loads that model when --model is not given.
Example: geolens --model ~/models/GeoChat-KD data/bluemarble.tif</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CLIP folder for a model without vision-tower weights (original LLaVA-1.5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label the tiles with a trained tile classifier (its folder); needs no model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour the labelled tiles as a heat map of this aspect (after the labels)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
