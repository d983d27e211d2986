<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>Rasters (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;All files (*)</source>
        <translation>栅格文件 (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>geolens::AnalysisLayer</name>
    <message>
        <source>P(%1)</source>
        <translation>P(%1)</translation>
    </message>
</context>
<context>
    <name>geolens::AnalysisMenu</name>
    <message>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>Load &amp;Model...</source>
        <translation>加载模型(&amp;M)……</translation>
    </message>
    <message>
        <source>Load a GeoChat or LLaVA-1.5 model folder</source>
        <translation>加载 GeoChat 或 LLaVA-1.5 模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Label Tiles...</source>
        <translation>标注瓦片(&amp;L)……</translation>
    </message>
    <message>
        <source>Give each selected tile (or every tile) a scene class</source>
        <translation>为所选瓦片（或全部瓦片）标注场景类别</translation>
    </message>
    <message>
        <source>&amp;Find Objects...</source>
        <translation>查找目标(&amp;F)……</translation>
    </message>
    <message>
        <source>Draw boxes around the objects a query names, in the selected tiles (or all)</source>
        <translation>在所选瓦片（或全部瓦片）中框出查询所指的目标</translation>
    </message>
    <message>
        <source>&amp;Describe with Boxes</source>
        <translation>带框描述(&amp;D)</translation>
    </message>
    <message>
        <source>Describe the selected tiles (or all) with boxes around what is mentioned</source>
        <translation>描述所选瓦片（或全部瓦片），并为提到的目标画框</translation>
    </message>
    <message>
        <source>Describe &amp;Region</source>
        <translation>描述区域(&amp;R)</translation>
    </message>
    <message>
        <source>Drag a rectangle on the map to have the model describe it; turn it with the mouse wheel while dragging (Ctrl for 1 degree steps). Shift+drag works at any time.</source>
        <translation>在地图上拖出矩形，由模型描述其内容；拖动时用鼠标滚轮旋转（按住 Ctrl 每次 1 度）。任何时候都可以用 Shift+拖动。</translation>
    </message>
    <message>
        <source>&amp;Export Results...</source>
        <translation>导出结果(&amp;E)……</translation>
    </message>
    <message>
        <source>Write the results to a GeoPackage, GeoJSON or CSV file in the raster&apos;s CRS</source>
        <translation>将结果以栅格的坐标参考系写入 GeoPackage、GeoJSON 或 CSV 文件</translation>
    </message>
    <message>
        <source>&amp;Clear Results</source>
        <translation>清除结果(&amp;C)</translation>
    </message>
    <message>
        <source>Find Objects</source>
        <translation>查找目标</translation>
    </message>
    <message>
        <source>What should GeoLens look for?</source>
        <translation>要让 GeoLens 查找什么？</translation>
    </message>
    <message>
        <source>Export Results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV table (*.csv)</source>
        <translation>GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Load %1 with the image size and weights last chosen for it</source>
        <translation>以上次为其选择的图像尺寸和权重加载 %1</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>Recent &amp;Models</source>
        <translation>最近的模型(&amp;M)</translation>
    </message>
    <message>
        <source>Label Tiles with &amp;Classifier...</source>
        <translation>用分类器标注瓦片(&amp;C)...</translation>
    </message>
    <message>
        <source>Label the selected tiles (or every tile) with a trained multi-aspect tile classifier: a class and the probability of each aspect, hundreds of times faster than the model. Needs no model.</source>
        <translation>用训练好的多方面瓦片分类器标注所选瓦片(或全部瓦片):给出类别和每个方面的概率,比大模型快数百倍。无需加载模型。</translation>
    </message>
    <message>
        <source>C&amp;olour Tiles By</source>
        <translation>瓦片着色方式(&amp;O)</translation>
    </message>
    <message>
        <source>Colour the labelled tiles by their class, or as a heat map of one aspect</source>
        <translation>按类别为已标注瓦片着色,或显示某一方面的热力图</translation>
    </message>
    <message>
        <source>Choose a Tile Classifier</source>
        <translation>选择瓦片分类器</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Aspect: %1</source>
        <translation>方面:%1</translation>
    </message>
</context>
<context>
    <name>geolens::AnalysisTasks</name>
    <message>
        <source>Load Model</source>
        <translation>加载模型</translation>
    </message>
    <message>
        <source>Loading the model from %1...</source>
        <translation>正在从 %1 加载模型……</translation>
    </message>
    <message>
        <source>Cannot load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <source>GeoLens cannot load the model in %1.</source>
        <translation>GeoLens 无法加载 %1 中的模型。</translation>
    </message>
    <message>
        <source>Loading the model was canceled.</source>
        <translation>已取消加载模型。</translation>
    </message>
    <message>
        <source>Model loaded: %1</source>
        <translation>模型已加载：%1</translation>
    </message>
    <message>
        <source>Label Tiles</source>
        <translation>标注瓦片</translation>
    </message>
    <message>
        <source>Labelling tiles with %1...</source>
        <translation>正在用 %1 标注瓦片……</translation>
    </message>
    <message>
        <source>Labelling failed</source>
        <translation>标注失败</translation>
    </message>
    <message>
        <source>The tiles could not be labelled.</source>
        <translation>无法标注瓦片。</translation>
    </message>
    <message>
        <source>Answer: %1</source>
        <translation>回答：%1</translation>
    </message>
    <message numerus="yes">
        <source>Labelled %n tile(s)</source>
        <translation>
            <numerusform>已标注 %n 个瓦片</numerusform>
        </translation>
    </message>
    <message>
        <source>Describe with Boxes</source>
        <translation>带框描述</translation>
    </message>
    <message>
        <source>Describing the tiles...</source>
        <translation>正在描述瓦片……</translation>
    </message>
    <message>
        <source>Find Objects</source>
        <translation>查找目标</translation>
    </message>
    <message>
        <source>Looking for %1...</source>
        <translation>正在查找 %1……</translation>
    </message>
    <message>
        <source>Finding objects failed</source>
        <translation>查找目标失败</translation>
    </message>
    <message>
        <source>The search could not run.</source>
        <translation>无法执行查找。</translation>
    </message>
    <message numerus="yes">
        <source>Found %n box(es)</source>
        <translation>
            <numerusform>找到 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>Load a model first (Analysis &gt; Load Model) to describe a region.</source>
        <translation>请先加载模型（分析 &gt; 加载模型）再描述区域。</translation>
    </message>
    <message>
        <source>Describe Region</source>
        <translation>描述区域</translation>
    </message>
    <message>
        <source>Describing the region...</source>
        <translation>正在描述区域……</translation>
    </message>
    <message>
        <source>Describing the region failed</source>
        <translation>描述区域失败</translation>
    </message>
    <message>
        <source>The region could not be described.</source>
        <translation>无法描述该区域。</translation>
    </message>
    <message>
        <source>Region: %1</source>
        <translation>区域：%1</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>The model could not answer: %1</source>
        <translation>模型无法回答：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) drawn on the map</source>
        <translation>
            <numerusform>已在地图上绘制 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot ask the model</source>
        <translation>无法向模型提问</translation>
    </message>
    <message>
        <source>The image for the question could not be read.</source>
        <translation>无法读取提问所用的图像。</translation>
    </message>
    <message>
        <source>Results written to %1</source>
        <translation>结果已写入 %1</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>The results could not be written to %1.</source>
        <translation>无法将结果写入 %1。</translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) reached outside the raster and were clipped or dropped</source>
        <translation>
            <numerusform>%n 个框超出栅格范围，已裁剪或舍弃</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 tiles labelled, canceled</source>
        <translation>已标注 %1 / %2 个瓦片,已取消</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>已取消</translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) answered without a box: their answers are in Results</source>
        <translation>
            <numerusform>%n 个瓦片的回答中没有框:回答见“结果”</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 % yes</source>
        <translation>%1:是 %2 %</translation>
    </message>
    <message>
        <source>Label Tiles with Classifier</source>
        <translation>用分类器标注瓦片</translation>
    </message>
    <message>
        <source>Labelling tiles with the classifier %1...</source>
        <translation>正在用分类器 %1 标注瓦片...</translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) labelled by the classifier, canceled</source>
        <translation>
            <numerusform>分类器已标注 %n 个瓦片,已取消</numerusform>
        </translation>
    </message>
    <message>
        <source>The classifier in %1 could not label the tiles.</source>
        <translation>%1 中的分类器无法标注瓦片。</translation>
    </message>
    <message numerus="yes">
        <source>The classifier labelled %n tile(s)</source>
        <translation>
            <numerusform>分类器已标注 %n 个瓦片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>geolens::ChatPanel</name>
    <message>
        <source>Ask about the selected tile or the view...</source>
        <translation>就所选瓦片或当前视图提问……</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Ask the question (Enter)</source>
        <translation>提出问题 (Enter)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the answer; what was written so far is kept</source>
        <translation>停止回答；已生成的内容会保留</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the conversation as text</source>
        <translation>以文本形式复制对话</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>开始新的对话</translation>
    </message>
    <message>
        <source>Select a tile, or ask about the current view.</source>
        <translation>请选择一个瓦片，或就当前视图提问。</translation>
    </message>
    <message>
        <source>You:</source>
        <translation>你：</translation>
    </message>
    <message>
        <source>GeoLens:</source>
        <translation>GeoLens：</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>About the current view</source>
        <translation>关于当前视图</translation>
    </message>
    <message>
        <source>About tile #%1</source>
        <translation>关于瓦片 #%1</translation>
    </message>
</context>
<context>
    <name>geolens::ConfusionMatrixView</name>
    <message>
        <source>True class: %1
Read from the answer: %2
%3 of %4 answered questions (%5%)</source>
        <translation>真实类别：%1
从回答中读出：%2
已回答的 %4 个问题中有 %3 个（%5%）</translation>
    </message>
    <message>
        <source>No confusion matrix</source>
        <translation>没有混淆矩阵</translation>
    </message>
    <message>
        <source>Read from the answer</source>
        <translation>从回答中读出的类别</translation>
    </message>
    <message>
        <source>True class</source>
        <translation>真实类别</translation>
    </message>
</context>
<context>
    <name>geolens::CoordinateStatusWidget</name>
    <message>
        <source>outside the raster</source>
        <translation>栅格范围之外</translation>
    </message>
    <message>
        <source>Pixel %1, %2</source>
        <translation>像素 %1, %2</translation>
    </message>
    <message>
        <source>Map %1, %2</source>
        <translation>地图 %1, %2</translation>
    </message>
    <message>
        <source>Lon %1, Lat %2</source>
        <translation>经度 %1，纬度 %2</translation>
    </message>
    <message>
        <source>Lon/Lat unavailable</source>
        <translation>经纬度不可用</translation>
    </message>
    <message>
        <source>Zoom %1 %</source>
        <translation>缩放 %1%</translation>
    </message>
    <message>
        <source>Pixel (column, row) under the cursor</source>
        <translation>光标下的像素（列，行）</translation>
    </message>
    <message>
        <source>Map coordinates in the raster&apos;s CRS</source>
        <translation>栅格坐标参考系中的地图坐标</translation>
    </message>
    <message>
        <source>Longitude and latitude (WGS84)</source>
        <translation>经度和纬度 (WGS84)</translation>
    </message>
    <message>
        <source>No georeferencing: coordinates are in pixels</source>
        <translation>无地理参考：坐标为像素坐标</translation>
    </message>
    <message>
        <source>This raster has no CRS or geotransform; results will be placed in pixel coordinates.</source>
        <translation>此栅格没有坐标参考系或地理变换；结果将以像素坐标放置。</translation>
    </message>
</context>
<context>
    <name>geolens::DisplayPanel</name>
    <message>
        <source>Bands</source>
        <translation>波段</translation>
    </message>
    <message>
        <source>Display:</source>
        <translation>显示方式：</translation>
    </message>
    <message>
        <source>RGB composite</source>
        <translation>RGB 合成</translation>
    </message>
    <message>
        <source>Single band (grey)</source>
        <translation>单波段（灰度）</translation>
    </message>
    <message>
        <source>Show three bands as red, green and blue, or one band in grey</source>
        <translation>将三个波段显示为红、绿、蓝，或以灰度显示一个波段</translation>
    </message>
    <message>
        <source>Red:</source>
        <translation>红：</translation>
    </message>
    <message>
        <source>Green:</source>
        <translation>绿：</translation>
    </message>
    <message>
        <source>Blue:</source>
        <translation>蓝：</translation>
    </message>
    <message>
        <source>Grey:</source>
        <translation>灰度：</translation>
    </message>
    <message>
        <source>Model tiles</source>
        <translation>模型瓦片</translation>
    </message>
    <message>
        <source>Show tile grid</source>
        <translation>显示瓦片网格</translation>
    </message>
    <message>
        <source>Show the %1 px tiles the model reads (G)</source>
        <translation>显示模型读取的 %1 像素瓦片 (G)</translation>
    </message>
    <message>
        <source>Overlap:</source>
        <translation>重叠：</translation>
    </message>
    <message>
        <source>How much neighbouring tiles overlap, as a share of the tile size</source>
        <translation>相邻瓦片的重叠量，占瓦片尺寸的比例</translation>
    </message>
    <message>
        <source>Clear selection</source>
        <translation>清除选择</translation>
    </message>
    <message>
        <source>Deselect all tiles (Esc)</source>
        <translation>取消选择所有瓦片 (Esc)</translation>
    </message>
    <message>
        <source>Band %1</source>
        <translation>波段 %1</translation>
    </message>
    <message>
        <source>Band %1: computing stretch...</source>
        <translation>波段 %1：正在计算拉伸……</translation>
    </message>
    <message>
        <source>Band %1: %2 to %3</source>
        <translation>波段 %1：%2 至 %3</translation>
    </message>
    <message numerus="yes">
        <source>Selected: %n tile(s)</source>
        <translation>
            <numerusform>已选：%n 个瓦片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) in a %1 x %2 grid, stride %3 px</source>
        <translation>
            <numerusform>%n 个瓦片，%1 × %2 网格，步长 %3 像素</numerusform>
        </translation>
    </message>
    <message>
        <source>Label opacity:</source>
        <translation>标注不透明度：</translation>
    </message>
    <message>
        <source>How strongly scene labels colour their tiles</source>
        <translation>场景标注为瓦片着色的强度</translation>
    </message>
    <message>
        <source>Stretch:</source>
        <translation>拉伸：</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Min-max</source>
        <translation>最小-最大值</translation>
    </message>
    <message>
        <source>2-98 % cumulative cut</source>
        <translation>2-98 % 累积裁剪</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>How band values become brightness, on the map and in the tiles the model reads: as they are, from the lowest to the highest value, cutting the darkest and brightest 2 %, or between limits you type</source>
        <translation>波段值如何变为亮度（地图上以及模型读取的瓦片中）：按原值显示、从最低值到最高值、裁去最暗和最亮的 2 %，或使用您输入的上下限</translation>
    </message>
    <message>
        <source>Value shown as black</source>
        <translation>显示为黑色的值</translation>
    </message>
    <message>
        <source>Value shown as full brightness</source>
        <translation>显示为最高亮度的值</translation>
    </message>
    <message>
        <source>True colour, from the bands&apos; colour interpretation.</source>
        <translation>真彩色，依据波段的颜色解释。</translation>
    </message>
    <message>
        <source>True colour, from the band descriptions.</source>
        <translation>真彩色，依据波段描述。</translation>
    </message>
    <message>
        <source>True colour, from the bands&apos; wavelengths.</source>
        <translation>真彩色，依据波段波长。</translation>
    </message>
    <message>
        <source>True colour, from the band order of %1.</source>
        <translation>真彩色，依据 %1 的波段顺序。</translation>
    </message>
    <message>
        <source>Values shown as they are (0 black, 255 white).</source>
        <translation>按原值显示（0 为黑，255 为白）。</translation>
    </message>
    <message>
        <source>Band %1:</source>
        <translation>波段 %1：</translation>
    </message>
</context>
<context>
    <name>geolens::DistillDataPage</name>
    <message>
        <source>Share of the entries held out for validation when no validation file is given (0 to 0.5)</source>
        <translation>未指定验证文件时留作验证的条目比例（0 至 0.5）</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>The instruction conversations the student learns from, checked before going on.</source>
        <translation>学生模型学习的指令对话，继续之前先进行检查。</translation>
    </message>
    <message>
        <source>GeoChat/LLaVA instruction JSON: a list of conversations about one image each</source>
        <translation>GeoChat/LLaVA 指令 JSON：由对话组成的列表，每段对话针对一幅图像</translation>
    </message>
    <message>
        <source>Instructions:</source>
        <translation>指令：</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON 文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The folder the instruction file&apos;s image paths are relative to</source>
        <translation>指令文件中图像路径所相对的文件夹</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>图像：</translation>
    </message>
    <message>
        <source>Optional plain text or .jsonl for the pretraining loss L_PT</source>
        <translation>可选：用于预训练损失 L_PT 的纯文本或 .jsonl 文件</translation>
    </message>
    <message>
        <source>Corpus (optional):</source>
        <translation>语料（可选）：</translation>
    </message>
    <message>
        <source>Text (*.txt *.jsonl);;All files (*)</source>
        <translation>文本文件 (*.txt *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Optional instruction JSON used for validation instead of a share of the training file</source>
        <translation>可选：用于验证的指令 JSON，代替从训练文件中划出的部分</translation>
    </message>
    <message>
        <source>Validation file (optional):</source>
        <translation>验证文件（可选）：</translation>
    </message>
    <message>
        <source>The validation fraction</source>
        <translation>验证比例</translation>
    </message>
    <message>
        <source>Validation fraction:</source>
        <translation>验证比例：</translation>
    </message>
    <message>
        <source>Loads the data as a run would and reports what it found</source>
        <translation>按运行时的方式加载数据，并报告发现的情况</translation>
    </message>
    <message>
        <source>Press Check to load the data.</source>
        <translation>按“检查”加载数据。</translation>
    </message>
    <message>
        <source>The first samples of the data, as the student will see them</source>
        <translation>数据的前几个样本，即学生模型将看到的内容</translation>
    </message>
    <message>
        <source>Press Check: the data must load with at least one sample before going on.</source>
        <translation>请按“检查”：数据须成功加载且至少有一个样本才能继续。</translation>
    </message>
    <message>
        <source>The corpus file %1 does not exist.</source>
        <translation>语料文件 %1 不存在。</translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation>正在加载 %1……</translation>
    </message>
    <message>
        <source>%1 entries, %2 samples.</source>
        <translation>%1 个条目，%2 个样本。</translation>
    </message>
</context>
<context>
    <name>geolens::DistillMethodPage</name>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>How the student learns from the teacher. Choosing a method resets the advanced settings to its own.</source>
        <translation>学生模型如何向教师模型学习。选择一种方法会将高级设置重置为该方法的值。</translation>
    </message>
    <message>
        <source>SFT warm start, then MiniLLM (policy gradient and per-token reverse KL), feature alignment and the pretraining loss</source>
        <translation>先以 SFT 预热，再进行 MiniLLM（策略梯度与逐词元反向 KL）、特征对齐和预训练损失</translation>
    </message>
    <message>
        <source>Hinton&apos;s token-level knowledge distillation on the dataset&apos;s answers</source>
        <translation>在数据集答案上进行 Hinton 的词元级知识蒸馏</translation>
    </message>
    <message>
        <source>Cross-entropy on the dataset&apos;s answers alone: the baseline without a teacher</source>
        <translation>仅在数据集答案上计算交叉熵：不使用教师模型的基线</translation>
    </message>
    <message>
        <source>Per-token reverse KL to the teacher on the dataset&apos;s answers</source>
        <translation>在数据集答案上计算与教师模型的逐词元反向 KL</translation>
    </message>
    <message>
        <source>Cross-entropy on the answers the teacher generates</source>
        <translation>在教师模型生成的答案上计算交叉熵</translation>
    </message>
    <message>
        <source>Alignment of the projector features, with cross-entropy on the answers</source>
        <translation>对齐投影层特征，并在答案上计算交叉熵</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Every weight and hyperparameter of the method</source>
        <translation>该方法的全部权重与超参数</translation>
    </message>
    <message>
        <source>Choose a method.</source>
        <translation>请选择一种方法。</translation>
    </message>
    <message>
        <source>Loss terms</source>
        <translation>损失项</translation>
    </message>
    <message>
        <source>Weight of the MSE between the teacher&apos;s and the student&apos;s projector outputs</source>
        <translation>教师与学生投影层输出之间 MSE 的权重</translation>
    </message>
    <message>
        <source>Weight of MiniLLM&apos;s long-term policy-gradient term</source>
        <translation>MiniLLM 长期策略梯度项的权重</translation>
    </message>
    <message>
        <source>Weight of the exact per-token reverse KL over the vocabulary</source>
        <translation>在整个词表上精确计算的逐词元反向 KL 的权重</translation>
    </message>
    <message>
        <source>Weight of the pretraining loss L_PT on the corpus</source>
        <translation>语料上预训练损失 L_PT 的权重</translation>
    </message>
    <message>
        <source>Weight of Hinton&apos;s knowledge distillation loss</source>
        <translation>Hinton 知识蒸馏损失的权重</translation>
    </message>
    <message>
        <source>Weight of the cross-entropy on the answers</source>
        <translation>答案上交叉熵的权重</translation>
    </message>
    <message>
        <source>Softmax temperature of both models in the KD loss</source>
        <translation>KD 损失中两个模型的 softmax 温度</translation>
    </message>
    <message>
        <source>Share of the KD loss that is the KL to the teacher; the rest is cross-entropy</source>
        <translation>KD 损失中与教师模型 KL 所占的比例；其余为交叉熵</translation>
    </message>
    <message>
        <source>MiniLLM</source>
        <translation>MiniLLM</translation>
    </message>
    <message>
        <source>Teacher share of the mixture the rollouts are sampled from</source>
        <translation>采样回合所用混合分布中教师模型所占的比例</translation>
    </message>
    <message>
        <source>Discount of the long-term reward</source>
        <translation>长期奖励的折扣因子</translation>
    </message>
    <message>
        <source>PPO clip: the probability ratio is kept within 1 ± this</source>
        <translation>PPO 裁剪：概率比保持在 1 ± 此值之内</translation>
    </message>
    <message>
        <source>Optimisation passes over each batch of rollouts</source>
        <translation>每批回合的优化遍数</translation>
    </message>
    <message>
        <source>Prompts per batch of rollouts</source>
        <translation>每批回合的提示数</translation>
    </message>
    <message>
        <source>Longest answer a rollout generates, in tokens</source>
        <translation>一个回合生成答案的最大长度（词元数）</translation>
    </message>
    <message>
        <source>Share of L_PT computed against the teacher&apos;s distribution instead of the corpus tokens</source>
        <translation>L_PT 中以教师分布而非语料词元计算的比例</translation>
    </message>
    <message>
        <source>Rewards are divided by this before clamping</source>
        <translation>奖励在截断前除以此值</translation>
    </message>
    <message>
        <source>Scaled rewards are clamped to ± this</source>
        <translation>缩放后的奖励截断到 ± 此值</translation>
    </message>
    <message>
        <source>Sampling temperature of the rollouts</source>
        <translation>回合的采样温度</translation>
    </message>
    <message>
        <source>Rollouts sample among this many most likely tokens; 0 turns it off</source>
        <translation>回合在最可能的这么多个词元中采样；0 表示关闭</translation>
    </message>
    <message>
        <source>Nucleus sampling of the rollouts; 1 turns it off</source>
        <translation>回合的核采样；1 表示关闭</translation>
    </message>
    <message>
        <source>Length-normalised reward</source>
        <translation>按长度归一化奖励</translation>
    </message>
    <message>
        <source>Divides the long-term reward by the answer length</source>
        <translation>将长期奖励除以答案长度</translation>
    </message>
    <message>
        <source>Whiten advantages</source>
        <translation>白化优势值</translation>
    </message>
    <message>
        <source>Scales the advantages of a batch to zero mean and unit variance</source>
        <translation>将一批的优势值缩放为零均值、单位方差</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Train LoRA adapters</source>
        <translation>训练 LoRA 适配器</translation>
    </message>
    <message>
        <source>Trains small low-rank adapters instead of every weight of the language model</source>
        <translation>训练小型低秩适配器，而不是语言模型的全部权重</translation>
    </message>
    <message>
        <source>Rank of each adapter: larger learns more and needs more memory</source>
        <translation>每个适配器的秩：越大学到的越多，所需内存也越多</translation>
    </message>
    <message>
        <source>Adapter scale: the update is multiplied by alpha / rank</source>
        <translation>适配器缩放：更新量乘以 alpha / rank</translation>
    </message>
    <message>
        <source>Dropout on the adapters&apos; input; 0 for the paper&apos;s method, whose PPO ratio it would disturb</source>
        <translation>适配器输入上的 dropout；论文方法应为 0，否则会干扰其 PPO 比率</translation>
    </message>
    <message>
        <source>Wraps the %1 projection of every layer with an adapter</source>
        <translation>为每一层的 %1 投影加上适配器</translation>
    </message>
    <message>
        <source>Fast tile classifier (multi-aspect)...</source>
        <translation>快速瓦片分类器(多方面)...</translation>
    </message>
    <message>
        <source>Instead of a smaller language model, a small CNN that learns the teacher&apos;s class and yes/no aspects of every tile and labels a whole mosaic hundreds of times faster</source>
        <translation>不是更小的语言模型,而是一个小型卷积网络:它学习教师对每个瓦片给出的类别和是/否方面,标注整幅镶嵌图的速度快数百倍</translation>
    </message>
    <message>
        <source>A small CNN that learns the teacher&apos;s class and yes/no aspects of every tile: a whole mosaic labelled in minutes</source>
        <translation>一个小型卷积网络,学习教师对每个瓦片的类别和是/否方面:几分钟标注整幅镶嵌图</translation>
    </message>
</context>
<context>
    <name>geolens::DistillModelsPage</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>The large teacher and the small student it teaches.</source>
        <translation>大型教师模型及其指导的小型学生模型。</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>教师</translation>
    </message>
    <message>
        <source>The model folder (config.json and weights) whose answers the student learns</source>
        <translation>模型文件夹（config.json 和权重），学生模型学习其答案</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>The model folder that is trained; it must share the teacher&apos;s vocabulary</source>
        <translation>被训练的模型文件夹；其词表须与教师模型相同</translation>
    </message>
    <message>
        <source>teacher</source>
        <translation>教师</translation>
    </message>
    <message>
        <source>student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>The teacher (%1) has a vocabulary of %2 tokens and the student (%3) one of %4: distillation compares their next-token distributions token by token, so both must use the same tokenizer.</source>
        <translation>教师模型（%1）的词表有 %2 个词元，学生模型（%3）的词表有 %4 个：蒸馏逐词元比较二者的下一词元分布，因此两者须使用相同的分词器。</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>%1 has no config.json: it is not a model folder.</source>
        <translation>%1 中没有 config.json：它不是模型文件夹。</translation>
    </message>
    <message>
        <source>Layout: %1 · about %2 parameters · vocabulary: %3 tokens · text: %4 layers of %5 · vision: %6 layers of %7 at %8 px
Weights: about %9 in bf16, %10 in f32</source>
        <translation>布局：%1 · 约 %2 个参数 · 词表：%3 个词元 · 文本：%4 层，宽 %5 · 视觉：%6 层，宽 %7，输入 %8 像素
权重：bf16 约 %9，f32 约 %10</translation>
    </message>
    <message>
        <source>Choose the %1 model folder.</source>
        <translation>请选择%1模型文件夹。</translation>
    </message>
    <message>
        <source>The %1 model cannot be used: %2</source>
        <translation>%1模型无法使用：%2</translation>
    </message>
    <message>
        <source>Looking for GPUs with %1...</source>
        <translation>正在用 %1 查找 GPU……</translation>
    </message>
    <message>
        <source>%1: only the CPU is listed; type cuda:N to use a GPU anyway.</source>
        <translation>%1：只列出了 CPU；如仍要使用 GPU，请输入 cuda:N。</translation>
    </message>
    <message>
        <source>GPUs from %1, with the memory that was free when this wizard opened.</source>
        <translation>GPU 列表来自 %1，显示的是向导打开时的空闲显存。</translation>
    </message>
    <message>
        <source>Where the model runs: auto takes the first GPU when there is one, else the CPU; another device can be typed as cuda:N</source>
        <translation>模型运行的设备：auto 有 GPU 时用第一块 GPU，否则用 CPU；其他设备可输入 cuda:N</translation>
    </message>
    <message>
        <source>The student (about %1 parameters) is larger than the teacher (about %2): distillation teaches a smaller model from a larger one. Check that the two folders are not swapped.</source>
        <translation>学生模型(约 %1 个参数)比教师模型(约 %2)更大:蒸馏是由大模型教出小模型。请检查两个文件夹是否填反了。</translation>
    </message>
</context>
<context>
    <name>geolens::DistillReviewPage</name>
    <message>
        <source>Review</source>
        <translation>审阅</translation>
    </message>
    <message>
        <source>The run configuration that will be saved as run.json in the output folder.</source>
        <translation>将保存为输出文件夹中 run.json 的运行配置。</translation>
    </message>
    <message>
        <source>Exactly what run.json will hold</source>
        <translation>run.json 将包含的确切内容</translation>
    </message>
    <message>
        <source>No problems found: Launch saves run.json and starts the run.</source>
        <translation>未发现问题：“启动”会保存 run.json 并开始运行。</translation>
    </message>
    <message>
        <source>Launch is disabled until these are fixed:</source>
        <translation>修正以下问题之前无法启动：</translation>
    </message>
</context>
<context>
    <name>geolens::DistillRunMonitor</name>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Show or hide what the run writes (Ctrl+L)</source>
        <translation>显示或隐藏运行输出的内容 (Ctrl+L)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after the current step with a checkpoint, so that the run can be resumed (Ctrl+.); pressing again offers to terminate it</source>
        <translation>在当前步骤结束后停止并保存检查点，以便之后继续运行 (Ctrl+.)；再次按下可选择终止运行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the stopped run from its last checkpoint (Ctrl+R)</source>
        <translation>从最后一个检查点继续已停止的运行 (Ctrl+R)</translation>
    </message>
    <message>
        <source>Open Run Folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>Show the run&apos;s files in the file manager (Ctrl+Shift+O)</source>
        <translation>在文件管理器中显示本次运行的文件 (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Open Distilled Model</source>
        <translation>打开蒸馏模型</translation>
    </message>
    <message>
        <source>Load the student this run exported (Ctrl+Shift+M)</source>
        <translation>加载本次运行导出的学生模型 (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Draw the curves of other run folders as dashed lines (Ctrl+Shift+C)</source>
        <translation>以虚线绘制其他运行文件夹的曲线 (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <source>Optimiser steps done of the run&apos;s total</source>
        <translation>已完成的优化步数与本次运行的总步数</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Stopping...</source>
        <translation>正在停止……</translation>
    </message>
    <message>
        <source>Stopped (resumable)</source>
        <translation>已停止（可继续）</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>Not running: %1</source>
        <translation>未运行：%1</translation>
    </message>
    <message>
        <source>A run is already going in %1.</source>
        <translation>%1 中已有一个运行正在进行。</translation>
    </message>
    <message>
        <source>Cannot create the run folder %1.</source>
        <translation>无法创建运行文件夹 %1。</translation>
    </message>
    <message>
        <source>No run folder is open.</source>
        <translation>未打开任何运行文件夹。</translation>
    </message>
    <message>
        <source>The run is still going.</source>
        <translation>运行仍在进行。</translation>
    </message>
    <message>
        <source>%1 does not exist: there is no run to resume.</source>
        <translation>%1 不存在：没有可继续的运行。</translation>
    </message>
    <message>
        <source>%1 is not an executable program.</source>
        <translation>%1 不是可执行程序。</translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a folder.</source>
        <translation>%1 不是文件夹。</translation>
    </message>
    <message>
        <source>Terminate...</source>
        <translation>终止……</translation>
    </message>
    <message>
        <source>exit code %1; %2</source>
        <translation>退出码 %1；%2</translation>
    </message>
    <message>
        <source>the process ended without a word in %1</source>
        <translation>进程已结束，%1 中没有任何输出</translation>
    </message>
    <message>
        <source>%1 / %2 steps</source>
        <translation>%1 / %2 步</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 步</translation>
    </message>
    <message>
        <source>elapsed %1</source>
        <translation>已用时 %1</translation>
    </message>
    <message>
        <source>, about %1 left</source>
        <translation>，约剩 %1</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>The run (process %1) could not be terminated: %2</source>
        <translation>无法终止运行（进程 %1）：%2</translation>
    </message>
    <message>
        <source>Terminate the Run</source>
        <translation>终止运行</translation>
    </message>
    <message>
        <source>The run has been asked to stop after its current step. Terminate it now? It still saves a checkpoint if it can.</source>
        <translation>已请求运行在当前步骤结束后停止。要立即终止吗？如有可能，它仍会保存检查点。</translation>
    </message>
    <message>
        <source>%1 does not exist: the folder holds no distillation run.</source>
        <translation>%1 不存在：该文件夹中没有蒸馏运行。</translation>
    </message>
    <message>
        <source>Compare with Run Folder</source>
        <translation>与运行文件夹比较</translation>
    </message>
    <message>
        <source>Compare with Teacher...</source>
        <translation>与教师模型对比……</translation>
    </message>
    <message>
        <source>Run the teacher and the distilled student on the tiles selected on the map, side by side: answers, boxes and time per tile (Ctrl+Shift+T)</source>
        <translation>在地图上选中的瓦片上并排运行教师模型和蒸馏后的学生模型：回答、框和每块瓦片的用时（Ctrl+Shift+T）</translation>
    </message>
    <message>
        <source>Compare Runs...</source>
        <translation>对比运行……</translation>
    </message>
    <message>
        <source>Evaluate Student and Teacher...</source>
        <translation>评测学生与教师模型……</translation>
    </message>
    <message>
        <source>Score the distilled student and its teacher on a benchmark, side by side in one report (Ctrl+Shift+E)</source>
        <translation>在基准上为蒸馏出的学生模型及其教师模型打分，并在同一份报告中并排显示 (Ctrl+Shift+E)</translation>
    </message>
    <message>
        <source>Running on %1 GPUs</source>
        <translation>正在 %1 块 GPU 上运行</translation>
    </message>
    <message>
        <source>A run needs at least one process, not %1.</source>
        <translation>运行至少需要一个进程，而不是 %1 个。</translation>
    </message>
    <message>
        <source>The run could not be recorded: %1</source>
        <translation>无法记录运行的启动方式：%1</translation>
    </message>
    <message>
        <source>The run cannot be resumed as it was started: %1</source>
        <translation>无法按原来的启动方式继续运行：%1</translation>
    </message>
    <message>
        <source>%1 is not found, and a run on %2 GPUs is started through it. torchrun comes with PyTorch (Debian: python3-torch; elsewhere: pip install torch).</source>
        <translation>未找到 %1，而在 %2 块 GPU 上的运行需要通过它启动。torchrun 随 PyTorch 提供（Debian：python3-torch；其他系统：pip install torch）。</translation>
    </message>
    <message>
        <source>%1 is not a distillation run folder: it holds no run.json, metrics.jsonl, checkpoints or log of a run.</source>
        <translation>%1 不是蒸馏运行文件夹:其中没有运行的 run.json、metrics.jsonl、检查点或日志。</translation>
    </message>
    <message>
        <source>Distillation</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>Distillation: %1</source>
        <translation>蒸馏：%1</translation>
    </message>
    <message>
        <source>No running process holds the lock of %1, so nothing is terminated.</source>
        <translation>没有正在运行的进程持有 %1 的锁，因此不终止任何进程。</translation>
    </message>
</context>
<context>
    <name>geolens::DistillTrainingPage</name>
    <message>
        <source>Peak learning rate; about 2e-5 with LoRA, 5e-6 when every weight is trained</source>
        <translation>峰值学习率；使用 LoRA 时约 2e-5，训练全部权重时约 5e-6</translation>
    </message>
    <message>
        <source>Steps over which the learning rate rises from 0</source>
        <translation>学习率从 0 升起所用的步数</translation>
    </message>
    <message>
        <source>Samples per forward pass</source>
        <translation>每次前向传播的样本数</translation>
    </message>
    <message>
        <source>Forward passes whose gradients are summed before each optimiser step</source>
        <translation>每个优化步之前累加梯度的前向传播次数</translation>
    </message>
    <message>
        <source>Optimiser steps of the run; used when epochs is off</source>
        <translation>本次运行的优化步数；轮数关闭时使用</translation>
    </message>
    <message>
        <source>Passes over the training data; off: the run lasts the given steps</source>
        <translation>遍历训练数据的轮数；关闭：运行持续给定的步数</translation>
    </message>
    <message>
        <source>Steps between validation passes; 0: only at the end</source>
        <translation>两次验证之间的步数；0：仅在结束时验证</translation>
    </message>
    <message>
        <source>Steps between checkpoints; 0: only at the end</source>
        <translation>两个检查点之间的步数；0：仅在结束时保存</translation>
    </message>
    <message>
        <source>Supervised steps on the answers before the paper&apos;s objective starts; 0 when the student is already fine-tuned</source>
        <translation>论文目标开始前在答案上进行的监督训练步数；学生模型已微调时为 0</translation>
    </message>
    <message>
        <source>Input resolution of the vision tower; the model&apos;s own when off</source>
        <translation>视觉塔的输入分辨率；关闭时使用模型自身的分辨率</translation>
    </message>
    <message>
        <source>Positions per sample: the prompt with the image features plus the answer</source>
        <translation>每个样本的位置数：含图像特征的提示加上答案</translation>
    </message>
    <message>
        <source>Cache resized images in the run folder</source>
        <translation>在运行文件夹中缓存缩放后的图像</translation>
    </message>
    <message>
        <source>Decodes and resizes each image once per run so that later epochs skip it</source>
        <translation>每次运行中每幅图像只解码和缩放一次，之后的轮次跳过此步骤</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Optimiser, length of the run, precision and where the run is written.</source>
        <translation>优化器、运行时长、精度以及运行的写入位置。</translation>
    </message>
    <message>
        <source>The learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>How the learning rate falls after the warm-up</source>
        <translation>预热之后学习率下降的方式</translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation>调度：</translation>
    </message>
    <message>
        <source>Warm-up steps:</source>
        <translation>预热步数：</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Gradient accumulation:</source>
        <translation>梯度累积：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <source>Evaluation interval:</source>
        <translation>验证间隔：</translation>
    </message>
    <message>
        <source>Checkpoint interval:</source>
        <translation>检查点间隔：</translation>
    </message>
    <message>
        <source>SFT warm-up steps:</source>
        <translation>SFT 预热步数：</translation>
    </message>
    <message>
        <source>Seeds the data split, the shuffling and the rollouts, so a run can be repeated</source>
        <translation>数据划分、打乱和回合采样的随机种子，使运行可以重复</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Precision of the weights; auto: bf16 on a GPU, f32 on the CPU</source>
        <translation>权重的精度；auto：GPU 上为 bf16，CPU 上为 f32</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <source>model&apos;s own</source>
        <translation>模型自身</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>图像尺寸：</translation>
    </message>
    <message>
        <source>Maximum length:</source>
        <translation>最大长度：</translation>
    </message>
    <message>
        <source>The run folder: run.json, checkpoints, metrics and the exported student go there</source>
        <translation>运行文件夹：run.json、检查点、指标和导出的学生模型都保存在这里</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <source>An estimate, not a measurement: weights in the chosen precision, plus 12 bytes per trainable student parameter (its gradient and AdamW&apos;s two moments); activations, the image cache and the framework&apos;s own memory come on top</source>
        <translation>这是估算而非实测：所选精度下的权重，加上学生模型每个可训练参数 12 字节（梯度及 AdamW 的两个矩）；激活值、图像缓存和框架自身的内存另计</translation>
    </message>
    <message>
        <source>The seed must be a whole number.</source>
        <translation>种子必须是整数。</translation>
    </message>
    <message>
        <source>Choose the output folder the run is written to.</source>
        <translation>请选择写入运行结果的输出文件夹。</translation>
    </message>
    <message>
        <source>The output folder %1 is a file.</source>
        <translation>输出文件夹 %1 是一个文件。</translation>
    </message>
    <message>
        <source>The output folder %1 is not empty and holds no run (run.json): choose an empty or new folder so that no other files are mixed with the run&apos;s.</source>
        <translation>输出文件夹 %1 不为空且不含运行（run.json）：请选择空的或新的文件夹，以免其他文件与运行文件混在一起。</translation>
    </message>
    <message>
        <source>Memory estimate: choose both models first.</source>
        <translation>内存估算：请先选择两个模型。</translation>
    </message>
    <message>
        <source>Estimated memory on %1: about %2 (teacher %3, student %4 with %5 trainable parameters).</source>
        <translation>%1 上的估算内存：约 %2（教师 %3，学生 %4，含 %5 个可训练参数）。</translation>
    </message>
    <message>
        <source>Estimated memory: teacher about %1 on %2; student about %3 on %4 (%5 trainable parameters).</source>
        <translation>估算内存：教师约 %1，位于 %2；学生约 %3，位于 %4（%5 个可训练参数）。</translation>
    </message>
    <message>
        <source>Weights plus 12 bytes per trainable parameter; activations come on top.</source>
        <translation>权重加上每个可训练参数 12 字节；激活值另计。</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>实测</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Runs a few real steps of this configuration to measure the time per step and the memory</source>
        <translation>用此配置真实运行几步，测量每步用时和内存</translation>
    </message>
    <message>
        <source>Ends the trial run</source>
        <translation>结束试运行</translation>
    </message>
    <message>
        <source>Starting a trial run...</source>
        <translation>正在启动试运行……</translation>
    </message>
    <message>
        <source>Loading the models and the data for a trial of %1 steps...</source>
        <translation>正在为 %1 步试运行加载模型和数据……</translation>
    </message>
    <message>
        <source>Trial step %1 of %2...</source>
        <translation>试运行第 %1 步，共 %2 步……</translation>
    </message>
    <message>
        <source>%1 per distillation step</source>
        <translation>每个蒸馏步 %1</translation>
    </message>
    <message>
        <source>(%1 per SFT step)</source>
        <translation>（每个 SFT 步 %1）</translation>
    </message>
    <message>
        <source>%1 per step</source>
        <translation>每步 %1</translation>
    </message>
    <message>
        <source>about %1 for about %2 steps (%3 epochs)</source>
        <translation>约 %2 步（%3 轮）约需 %1</translation>
    </message>
    <message>
        <source>about %1 for %2 steps</source>
        <translation>%2 步约需 %1</translation>
    </message>
    <message>
        <source>about %1 per 1000 steps (check the data to count the steps of an epoch)</source>
        <translation>每 1000 步约 %1（检查数据后才能算出一轮的步数）</translation>
    </message>
    <message>
        <source>peak GPU memory %1, RAM %2</source>
        <translation>显存峰值 %1，内存 %2</translation>
    </message>
    <message>
        <source>peak RAM %1</source>
        <translation>内存峰值 %1</translation>
    </message>
    <message>
        <source>%1; %2; %3.</source>
        <translation>%1；%2；%3。</translation>
    </message>
    <message>
        <source>Not measured: Measure times a few real steps of this configuration.</source>
        <translation>尚未实测：“实测”会用此配置真实运行几步并计时。</translation>
    </message>
    <message>
        <source>The trial run failed: %1</source>
        <translation>试运行失败：%1</translation>
    </message>
    <message>
        <source>The measurement was cancelled.</source>
        <translation>实测已取消。</translation>
    </message>
    <message>
        <source>Measured for other settings; measure again. (Then: %1)</source>
        <translation>实测结果对应的是其他设置，请重新实测。（当时：%1）</translation>
    </message>
    <message>
        <source>Measured: %1</source>
        <translation>实测：%1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Warning: that is more than the %1 free on %2 (%3); the run is likely to run out of memory.</source>
        <translation>警告：这超过了 %2（%3）上空闲的 %1；运行很可能会显存不足。</translation>
    </message>
    <message>
        <source>%1 (%2) has %3 free.</source>
        <translation>%1（%2）空闲 %3。</translation>
    </message>
    <message>
        <source>Answers and teacher (KD)</source>
        <translation>答案与教师输出 (KD)</translation>
    </message>
    <message>
        <source>Answers only (CE)</source>
        <translation>仅答案 (CE)</translation>
    </message>
    <message>
        <source>What the warm start learns from: the answers together with the teacher&apos;s outputs, as the paper&apos;s first stage, or the answers alone (the teacher then runs only at validations)</source>
        <translation>预热阶段的学习来源：答案与教师模型的输出（与论文第一阶段相同），或仅答案（此时教师模型只在验证时运行）</translation>
    </message>
    <message>
        <source>Warm start learns from:</source>
        <translation>预热学习来源：</translation>
    </message>
    <message>
        <source>GPUs to use:</source>
        <translation>使用的 GPU 数：</translation>
    </message>
    <message>
        <source>The command Launch runs after saving run.json in the output folder: each of the processes torchrun starts is one rank of the run, on GPUs of its own</source>
        <translation>“启动”在输出文件夹中保存 run.json 后执行的命令：torchrun 启动的每个进程都是运行中的一个 rank，使用各自的 GPU</translation>
    </message>
    <message>
        <source>Command:</source>
        <translation>命令：</translation>
    </message>
    <message>
        <source>A run on %1 GPUs is started through torchrun, which is not found. It comes with PyTorch (Debian: python3-torch; elsewhere: pip install torch); or choose 1 GPU.</source>
        <translation>在 %1 块 GPU 上的运行需要通过 torchrun 启动，但未找到 torchrun。它随 PyTorch 提供（Debian：python3-torch；其他系统：pip install torch）；或者选择 1 块 GPU。</translation>
    </message>
    <message>
        <source>The student is trained on the CPU; a run on several GPUs needs it on a GPU (the student device on the models page).</source>
        <translation>学生模型在 CPU 上训练；多 GPU 运行需要学生模型位于 GPU 上（见模型页面的学生设备）。</translation>
    </message>
    <message>
        <source>The GPUs are being listed.</source>
        <translation>正在列出 GPU。</translation>
    </message>
    <message>
        <source>A run on several GPUs needs at least two; %1 is listed.</source>
        <translation>多 GPU 运行至少需要两块 GPU；当前列出 %1 块。</translation>
    </message>
    <message>
        <source>A run on several GPUs needs at least two; none is listed: %1</source>
        <translation>多 GPU 运行至少需要两块 GPU；未列出任何 GPU：%1</translation>
    </message>
    <message>
        <source>Each process uses %1 GPUs, as many as the teacher&apos;s and the student&apos;s devices name; the %2 listed are too few for two processes.</source>
        <translation>每个进程使用 %1 块 GPU，即教师和学生设备所指定的数量；列出的 %2 块不够两个进程使用。</translation>
    </message>
    <message>
        <source>With the teacher and the student on different GPUs, each process uses %1 of them: cuda:i of the rank r is cuda:(r × %1 + i).</source>
        <translation>教师和学生位于不同 GPU 上时，每个进程使用其中 %1 块：rank r 的 cuda:i 即 cuda:(r × %1 + i)。</translation>
    </message>
    <message>
        <source>%1 is not found: it comes with PyTorch (Debian: python3-torch; elsewhere: pip install torch). Without it the run can use one GPU only.</source>
        <translation>未找到 %1：它随 PyTorch 提供（Debian：python3-torch；其他系统：pip install torch）。没有它，运行只能使用一块 GPU。</translation>
    </message>
    <message>
        <source>Estimated memory per GPU, in each of the %1 processes: about %2 (teacher %3, student %4 with %5 trainable parameters).</source>
        <translation>每块 GPU 的估算显存（%1 个进程中的每一个）：约 %2（教师 %3，学生 %4，含 %5 个可训练参数）。</translation>
    </message>
    <message>
        <source>Estimated memory per GPU, in each of the %1 processes: teacher about %2 on its %3; student about %4 on its %5 (%6 trainable parameters).</source>
        <translation>每块 GPU 的估算显存（%1 个进程中的每一个）：教师约 %2，位于其 %3；学生约 %4，位于其 %5（%6 个可训练参数）。</translation>
    </message>
    <message>
        <source>Enough is free on %1 of the run&apos;s GPUs; the least free is %2.</source>
        <translation>运行所用的 %1 块 GPU 空闲显存充足；最少的空闲 %2。</translation>
    </message>
    <message>
        <source>How many GPUs the run is spread over: more than one starts it through torchrun, one process per GPU, each training on its part of the data; the first alone writes the run folder.</source>
        <translation>运行分布到多少块 GPU 上：多于一块时通过 torchrun 启动，每块 GPU 一个进程，各自训练自己那部分数据；只有第一个进程写入运行文件夹。</translation>
    </message>
    <message>
        <source>A run (process %1) is using %2 now: wait for it to end, stop it in its monitor, or choose another folder.</source>
        <translation>一个运行（进程 %1）正在使用 %2：请等待它结束、在其监视器中停止它，或选择其他文件夹。</translation>
    </message>
    <message>
        <source>%1 holds an earlier run (%2): launching clears it.</source>
        <translation>%1 中有之前的运行（%2）：启动将清除它。</translation>
    </message>
</context>
<context>
    <name>geolens::DistillWizard</name>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>Choose with a file dialog</source>
        <translation>通过文件对话框选择</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Choose the instruction JSON file.</source>
        <translation>请选择指令 JSON 文件。</translation>
    </message>
    <message>
        <source>Choose the folder the instruction file&apos;s image paths are relative to.</source>
        <translation>请选择指令文件中图像路径所相对的文件夹。</translation>
    </message>
    <message>
        <source>%1 holds no usable entry.</source>
        <translation>%1 中没有可用的条目。</translation>
    </message>
    <message>
        <source>The validation file %1 holds no usable entry:
%2</source>
        <translation>验证文件 %1 中没有可用的条目：
%2</translation>
    </message>
    <message>
        <source>Validation file: %1 entries, %2 samples.</source>
        <translation>验证文件：%1 个条目，%2 个样本。</translation>
    </message>
    <message>
        <source>Q: %1
A: %2</source>
        <translation>问：%1
答：%2</translation>
    </message>
    <message>
        <source>%1 is not a number: “%2”.</source>
        <translation>%1 不是数字：“%2”。</translation>
    </message>
    <message>
        <source>New Distillation Run</source>
        <translation>新建蒸馏运行</translation>
    </message>
    <message>
        <source>Launch</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 days %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>the prompt, the image&apos;s %1 tokens and one answer token take up to %2 positions (%3 with the whole answer)</source>
        <translation>提示、图像的 %1 个词元和一个回答词元最多占 %2 个位置（含完整回答为 %3 个）</translation>
    </message>
    <message>
        <source>Raise the maximum length (run.max_length) to at least %1 or lower the image size (run.image_size).</source>
        <translation>请将最大长度（run.max_length）提高到至少 %1，或降低图像尺寸（run.image_size）。</translation>
    </message>
    <message>
        <source>None of the %1 training samples fits in the maximum length of %2: %3. %4</source>
        <translation>%1 个训练样本都放不进最大长度 %2：%3。%4</translation>
    </message>
    <message>
        <source>%1 of %2 training samples do not fit in the maximum length of %3 and will be skipped: %4. %5</source>
        <translation>%2 个训练样本中有 %1 个放不进最大长度 %3，将被跳过：%4。%5</translation>
    </message>
    <message>
        <source>The samples&apos; lengths are measured with the student&apos;s tokenizer, and %1 does not exist.</source>
        <translation>样本长度由学生模型的分词器测量，而 %1 不存在。</translation>
    </message>
    <message>
        <source>bad entry</source>
        <translation>条目格式错误</translation>
    </message>
    <message>
        <source>no image</source>
        <translation>没有图像</translation>
    </message>
    <message>
        <source>missing image</source>
        <translation>缺少图像</translation>
    </message>
    <message>
        <source>unreadable image</source>
        <translation>图像无法读取</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>没有回答</translation>
    </message>
    <message>
        <source>turn order</source>
        <translation>对话顺序错误</translation>
    </message>
    <message>
        <source>%1: %2 entries, %3 used, %4 samples</source>
        <translation>%1：%2 个条目，使用 %3 个，%4 个样本</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 个%2</translation>
    </message>
    <message>
        <source>; %1 skipped (%2)</source>
        <translation>；跳过 %1 个（%2）</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>; %1 unanswered last questions dropped</source>
        <translation>；丢弃 %1 个没有回答的末尾问题</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source>entry %1</source>
        <translation>条目 %1</translation>
    </message>
    <message>
        <source>entry %1 (id &quot;%2&quot;)</source>
        <translation>条目 %1（id “%2”）</translation>
    </message>
    <message>
        <source>%1: %2: %3.</source>
        <translation>%1：%2：%3。</translation>
    </message>
</context>
<context>
    <name>geolens::DistillationMenu</name>
    <message>
        <source>&amp;Distillation</source>
        <translation>蒸馏(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;New Distillation Run...</source>
        <translation>新建蒸馏运行(&amp;N)…</translation>
    </message>
    <message>
        <source>Distil a teacher model into a smaller student, step by step</source>
        <translation>逐步将教师模型蒸馏为更小的学生模型</translation>
    </message>
    <message>
        <source>&amp;Open Distillation Run...</source>
        <translation>打开蒸馏运行(&amp;O)…</translation>
    </message>
    <message>
        <source>Follow a running distillation or look at a finished one</source>
        <translation>跟踪正在进行的蒸馏，或查看已完成的蒸馏</translation>
    </message>
    <message>
        <source>&amp;Compare Teacher and Student...</source>
        <translation>对比教师与学生模型(&amp;C)……</translation>
    </message>
    <message>
        <source>Run a teacher and its distilled student on the selected tiles side by side: answers, boxes and time per tile</source>
        <translation>在选中的瓦片上并排运行教师模型及其蒸馏出的学生模型：回答、框和每块瓦片的用时</translation>
    </message>
    <message>
        <source>&amp;Evaluate Models...</source>
        <translation>评测模型(&amp;E)……</translation>
    </message>
    <message>
        <source>Score one or more models on a benchmark (scene classes, questions, boxes or captions) and compare them side by side in a report</source>
        <translation>在基准上为一个或多个模型打分（场景类别、问答、框或描述），并在报告中并排比较</translation>
    </message>
    <message>
        <source>Open Evaluation &amp;Report...</source>
        <translation>打开评测报告(&amp;R)……</translation>
    </message>
    <message>
        <source>Show the report folder of an evaluation, finished or still running</source>
        <translation>显示一次评测的报告文件夹，无论已完成还是仍在运行</translation>
    </message>
    <message>
        <source>New &amp;Tile Classifier (Multi-Aspect)...</source>
        <translation>新建瓦片分类器(多方面)(&amp;T)...</translation>
    </message>
    <message>
        <source>Distil the model into a fast tile classifier: the model judges every tile&apos;s class and aspects, a small network learns them and labels a whole mosaic in minutes</source>
        <translation>把模型蒸馏成快速瓦片分类器:模型判断每个瓦片的类别和各方面,小网络学习这些结果,几分钟即可标注整幅镶嵌图</translation>
    </message>
</context>
<context>
    <name>geolens::DistillationWindows</name>
    <message>
        <source>The run could not be started</source>
        <translation>无法启动运行</translation>
    </message>
    <message>
        <source>The run configuration could not be written to %1.</source>
        <translation>无法将运行配置写入 %1。</translation>
    </message>
    <message>
        <source>geolens-cli distill did not start.</source>
        <translation>geolens-cli distill 未能启动。</translation>
    </message>
    <message>
        <source>Open Distillation Run</source>
        <translation>打开蒸馏运行</translation>
    </message>
    <message>
        <source>Open Evaluation Report</source>
        <translation>打开评测报告</translation>
    </message>
    <message>
        <source>The folder cannot be shown as a distillation run.</source>
        <translation>该文件夹无法作为蒸馏运行显示。</translation>
    </message>
    <message>
        <source>The tile classifier&apos;s run did not start.</source>
        <translation>瓦片分类器的运行未能启动。</translation>
    </message>
</context>
<context>
    <name>geolens::EvaluateDialog</name>
    <message>
        <source>Evaluate Models</source>
        <translation>评测模型</translation>
    </message>
    <message>
        <source>&amp;Models:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>The model folders to evaluate, each with its config.json; the report shows them side by side in this order, named after their folders</source>
        <translation>要评测的模型文件夹，每个都含有 config.json；报告按此顺序并排显示它们，并以文件夹名称命名</translation>
    </message>
    <message>
        <source>&amp;Add...</source>
        <translation>添加(&amp;A)……</translation>
    </message>
    <message>
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Remove the selected model folders</source>
        <translation>移除选中的模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Benchmark:</source>
        <translation>基准(&amp;B)：</translation>
    </message>
    <message>
        <source>Scene classification</source>
        <translation>场景分类</translation>
    </message>
    <message>
        <source>Visual question answering</source>
        <translation>视觉问答</translation>
    </message>
    <message>
        <source>Referring expressions</source>
        <translation>指代表达</translation>
    </message>
    <message>
        <source>Grounding</source>
        <translation>目标定位</translation>
    </message>
    <message>
        <source>Captioning</source>
        <translation>图像描述</translation>
    </message>
    <message>
        <source>What the models are asked and how their answers are scored</source>
        <translation>向模型提出什么问题，以及如何为其回答打分</translation>
    </message>
    <message>
        <source>&amp;Questions file:</source>
        <translation>问题文件(&amp;Q)：</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>&amp;Images folder:</source>
        <translation>图像文件夹(&amp;I)：</translation>
    </message>
    <message>
        <source>The folder the questions&apos; images are found in; for scene classification without a questions file, one sub-folder per class</source>
        <translation>问题所用图像所在的文件夹；场景分类不带问题文件时，每个类别一个子文件夹</translation>
    </message>
    <message>
        <source>Re&amp;port folder:</source>
        <translation>报告文件夹(&amp;P)：</translation>
    </message>
    <message>
        <source>Where the report is written: the scores, every answer, the summary table and report.html</source>
        <translation>报告的写入位置：得分、每个回答、汇总表和 report.html</translation>
    </message>
    <message>
        <source>&amp;Limit:</source>
        <translation>数量上限(&amp;L)：</translation>
    </message>
    <message>
        <source>all questions</source>
        <translation>全部问题</translation>
    </message>
    <message>
        <source> questions</source>
        <translation> 个问题</translation>
    </message>
    <message>
        <source>Ask only this many questions, spread over the benchmark, for a quicker estimate</source>
        <translation>只提出这么多问题（均匀分布在整个基准中），以便更快地得到估计</translation>
    </message>
    <message>
        <source>Ba&amp;tch:</source>
        <translation>批大小(&amp;T)：</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Questions answered together; more is faster until the device&apos;s memory runs out</source>
        <translation>一起回答的问题数；在设备内存用尽之前，越大越快</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>设备(&amp;D)：</translation>
    </message>
    <message>
        <source>Where the models run: auto takes the first GPU when there is one</source>
        <translation>模型运行的位置：auto 在有 GPU 时使用第一块 GPU</translation>
    </message>
    <message>
        <source>&amp;Precision:</source>
        <translation>精度(&amp;P)：</translation>
    </message>
    <message>
        <source>The numbers the models compute with: auto is bf16 on a GPU that has it and f32 on the CPU</source>
        <translation>模型计算所用的数值类型：auto 在支持 bf16 的 GPU 上为 bf16，在 CPU 上为 f32</translation>
    </message>
    <message>
        <source>Image si&amp;ze:</source>
        <translation>图像尺寸(&amp;Z)：</translation>
    </message>
    <message>
        <source>the model&apos;s</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>The side of the square the images are resized to; the model&apos;s own size unless set</source>
        <translation>图像缩放到的正方形边长；未设置时使用模型自身的尺寸</translation>
    </message>
    <message>
        <source>Question &amp;types:</source>
        <translation>问题类型(&amp;T)：</translation>
    </message>
    <message>
        <source>all types, or e.g. presence,comparison</source>
        <translation>全部类型，或例如 presence,comparison</translation>
    </message>
    <message>
        <source>Visual question answering only: the question types to ask, separated by commas</source>
        <translation>仅用于视觉问答：要提问的问题类型，以逗号分隔</translation>
    </message>
    <message>
        <source>R&amp;esume: keep the answers already in the report folder and ask only the rest</source>
        <translation>继续(&amp;E)：保留报告文件夹中已有的回答，只提问其余问题</translation>
    </message>
    <message>
        <source>Continue an evaluation that was canceled or failed, without asking again what it answered</source>
        <translation>继续一次被取消或失败的评测，已回答的问题不再重复提问</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Start geolens-cli evaluate with these settings</source>
        <translation>用这些设置启动 geolens-cli evaluate</translation>
    </message>
    <message>
        <source>&amp;Cancel Run</source>
        <translation>取消运行(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the evaluation; what was answered stays in the report folder, and Resume continues it</source>
        <translation>停止评测；已回答的内容保留在报告文件夹中，勾选“继续”可接着运行</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Hide this dialog; a run goes on and its report opens when it is done</source>
        <translation>隐藏此对话框；运行会继续，完成后打开其报告</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>optional: without one, each sub-folder of the images folder is a class</source>
        <translation>可选：不提供时，图像文件夹的每个子文件夹为一个类别</translation>
    </message>
    <message>
        <source>required: the benchmark&apos;s questions (JSON or JSONL)</source>
        <translation>必填：基准的问题（JSON 或 JSONL）</translation>
    </message>
    <message>
        <source>Scene classification reads its classes from the images folder&apos;s sub-folders unless a questions file is given</source>
        <translation>除非提供问题文件，场景分类从图像文件夹的子文件夹读取类别</translation>
    </message>
    <message>
        <source>The benchmark&apos;s questions and their true answers</source>
        <translation>基准的问题及其正确答案</translation>
    </message>
    <message>
        <source>Add at least one model folder.</source>
        <translation>请至少添加一个模型文件夹。</translation>
    </message>
    <message>
        <source>The model folder %1 does not exist.</source>
        <translation>模型文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>%1 holds no config.json: it is not a model folder.</source>
        <translation>%1 中没有 config.json：它不是模型文件夹。</translation>
    </message>
    <message>
        <source>Two model folders are named %1. The report names each model after its folder: rename one.</source>
        <translation>有两个模型文件夹都名为 %1。报告以文件夹名称命名每个模型：请重命名其中一个。</translation>
    </message>
    <message>
        <source>Choose the questions file: the %1 benchmark needs one.</source>
        <translation>请选择问题文件：%1 基准需要问题文件。</translation>
    </message>
    <message>
        <source>The questions file %1 does not exist.</source>
        <translation>问题文件 %1 不存在。</translation>
    </message>
    <message>
        <source>Choose the images folder.</source>
        <translation>请选择图像文件夹。</translation>
    </message>
    <message>
        <source>The images folder %1 does not exist.</source>
        <translation>图像文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>Choose the report folder.</source>
        <translation>请选择报告文件夹。</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder: choose another report folder.</source>
        <translation>%1 是文件而不是文件夹：请选择其他报告文件夹。</translation>
    </message>
    <message>
        <source>%1 is not a device: use auto, cpu, cuda or cuda:N.</source>
        <translation>%1 不是设备：请使用 auto、cpu、cuda 或 cuda:N。</translation>
    </message>
    <message>
        <source>Write the question types as names separated by commas, such as presence,comparison.</source>
        <translation>请将问题类型写成以逗号分隔的名称，例如 presence,comparison。</translation>
    </message>
    <message>
        <source>Add a Model Folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <source>Questions File</source>
        <translation>问题文件</translation>
    </message>
    <message>
        <source>Questions (*.json *.jsonl);;All files (*)</source>
        <translation>问题 (*.json *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Images Folder</source>
        <translation>图像文件夹</translation>
    </message>
    <message>
        <source>Report Folder</source>
        <translation>报告文件夹</translation>
    </message>
    <message>
        <source>An evaluation is already running.</source>
        <translation>已有一个评测正在运行。</translation>
    </message>
    <message>
        <source>%1 is not an executable program.</source>
        <translation>%1 不是可执行程序。</translation>
    </message>
    <message>
        <source>Starting...</source>
        <translation>正在启动……</translation>
    </message>
    <message>
        <source>Starting geolens-cli evaluate...</source>
        <translation>正在启动 geolens-cli evaluate……</translation>
    </message>
    <message>
        <source>Canceling: the evaluation writes what it has answered, then stops...</source>
        <translation>正在取消：评测会写入已回答的内容，然后停止……</translation>
    </message>
    <message>
        <source>%1: %2 questions</source>
        <translation>%1：%2 个问题</translation>
    </message>
    <message>
        <source>Loading %1 (model %2 of %3)...</source>
        <translation>正在加载 %1（第 %2 个模型，共 %3 个）……</translation>
    </message>
    <message>
        <source>%1 (model %2 of %3): %4</source>
        <translation>%1（第 %2 个模型，共 %3 个）：%4</translation>
    </message>
    <message>
        <source>%1: loading</source>
        <translation>%1：加载中</translation>
    </message>
    <message>
        <source>%1 (%2 of %3): %4 / %5 questions</source>
        <translation>%1（第 %2 个，共 %3 个）：%4 / %5 个问题</translation>
    </message>
    <message>
        <source>%1: %2 / %3 questions</source>
        <translation>%1：%2 / %3 个问题</translation>
    </message>
    <message>
        <source>Asking %1...</source>
        <translation>正在向 %1 提问……</translation>
    </message>
    <message>
        <source>Writing the report in %1...</source>
        <translation>正在 %1 中写入报告……</translation>
    </message>
    <message>
        <source>Canceled. The questions answered so far are kept in %1; check Resume and Run to continue.</source>
        <translation>已取消。到目前为止已回答的问题保留在 %1 中；勾选“继续”并点击“运行”即可接着评测。</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>geolens-cli evaluate ended abnormally.</source>
        <translation>geolens-cli evaluate 异常结束。</translation>
    </message>
    <message>
        <source>geolens-cli evaluate ended abnormally: %1</source>
        <translation>geolens-cli evaluate 异常结束：%1</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Finished: the report is in %1.</source>
        <translation>已完成：报告位于 %1。</translation>
    </message>
    <message>
        <source>geolens-cli did not accept the settings: %1</source>
        <translation>geolens-cli 不接受这些设置：%1</translation>
    </message>
    <message>
        <source>(no message)</source>
        <translation>（无消息）</translation>
    </message>
    <message>
        <source>The evaluation failed: %1</source>
        <translation>评测失败：%1</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>退出码 %1</translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>Earlier Answers</source>
        <translation>已有的回答</translation>
    </message>
    <message>
        <source>The report folder already holds answers of %1 from an earlier run.

Resume that run and ask only the questions not answered yet? Choose No to pick another report folder.</source>
        <translation>报告文件夹中已有 %1 在之前一次运行中的回答。

要继续那次运行、只回答尚未回答的问题吗？选择“否”以另选报告文件夹。</translation>
    </message>
</context>
<context>
    <name>geolens::EvaluationReportData</name>
    <message>
        <source>%1 is not a folder.</source>
        <translation>%1 不是文件夹。</translation>
    </message>
    <message>
        <source>%1 names no model.</source>
        <translation>%1 中没有列出任何模型。</translation>
    </message>
    <message>
        <source>%1 does not exist: the folder holds no evaluation report.</source>
        <translation>%1 不存在：该文件夹中没有评测报告。</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not valid JSON (at byte %2: %3).</source>
        <translation>%1 不是有效的 JSON（第 %2 字节：%3）。</translation>
    </message>
    <message>
        <source>%1 does not hold a JSON object.</source>
        <translation>%1 中不是 JSON 对象。</translation>
    </message>
    <message>
        <source>a quoted field is not closed</source>
        <translation>有一个带引号的字段没有闭合</translation>
    </message>
    <message>
        <source>%1 is not valid CSV: %2.</source>
        <translation>%1 不是有效的 CSV：%2。</translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation>%1 为空。</translation>
    </message>
    <message>
        <source>%1, line %2, is not a JSON object.</source>
        <translation>%1 的第 %2 行不是 JSON 对象。</translation>
    </message>
</context>
<context>
    <name>geolens::EvaluationReportView</name>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Read the report folder again (it is also read whenever its files change)</source>
        <translation>重新读取报告文件夹（其文件发生变化时也会自动读取）</translation>
    </message>
    <message>
        <source>Open HTML Report</source>
        <translation>打开 HTML 报告</translation>
    </message>
    <message>
        <source>Open report.html, the self-contained report of this evaluation, in the browser</source>
        <translation>在浏览器中打开 report.html，即本次评测的独立报告</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Show the report&apos;s files in the file manager</source>
        <translation>在文件管理器中显示报告的文件</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Confusion Matrices</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>Which class each model read from its answers, per true class; click a cell to see its questions</source>
        <translation>按真实类别列出每个模型从回答中读出的类别；点击单元格查看其中的问题</translation>
    </message>
    <message>
        <source>The questions of the confusion cell clicked: the image, the answer and the true class</source>
        <translation>所点击混淆矩阵单元格中的问题：图像、回答和真实类别</translation>
    </message>
    <message>
        <source>Scene classification</source>
        <translation>场景分类</translation>
    </message>
    <message>
        <source>Visual question answering</source>
        <translation>视觉问答</translation>
    </message>
    <message>
        <source>Referring expressions</source>
        <translation>指代表达</translation>
    </message>
    <message>
        <source>Grounding</source>
        <translation>目标定位</translation>
    </message>
    <message>
        <source>Captioning</source>
        <translation>图像描述</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评测</translation>
    </message>
    <message>
        <source>No evaluation report</source>
        <translation>没有评测报告</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 of the benchmark&apos;s %2 questions, %3 model(s): %4</source>
        <translation>基准 %2 个问题中的 %1 个，%3 个模型：%4</translation>
    </message>
    <message>
        <source>%1 questions, %2 model(s): %3</source>
        <translation>%1 个问题，%2 个模型：%3</translation>
    </message>
    <message>
        <source>Left out of the benchmark: %1</source>
        <translation>未纳入基准的问题：%1</translation>
    </message>
    <message>
        <source>Under way: the scores appear when the models have answered.</source>
        <translation>进行中：模型回答完毕后将显示得分。</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率 (%)</translation>
    </message>
    <message>
        <source>Accuracy per class</source>
        <translation>各类别准确率</translation>
    </message>
    <message>
        <source>Accuracy per question type</source>
        <translation>各问题类型准确率</translation>
    </message>
    <message>
        <source>Boxes found per object size (IoU at least 0.5 and 0.25)</source>
        <translation>按目标大小统计的框命中率（IoU 至少 0.5 和 0.25）</translation>
    </message>
    <message>
        <source>Caption scores</source>
        <translation>描述得分</translation>
    </message>
    <message>
        <source>Score (%)</source>
        <translation>得分 (%)</translation>
    </message>
    <message>
        <source>OA %1, AA %2, answers without a class: %3</source>
        <translation>OA %1，AA %2，未给出类别的回答：%3</translation>
    </message>
    <message>
        <source>Confusion matrix of %1</source>
        <translation>%1 的混淆矩阵</translation>
    </message>
    <message>
        <source>Click a cell of a confusion matrix to list its questions.</source>
        <translation>点击混淆矩阵的单元格以列出其中的问题。</translation>
    </message>
    <message numerus="yes">
        <source>%1: true class %2, read as %3: %n question(s)</source>
        <translation>
            <numerusform>%1：真实类别 %2，读作 %3：%n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>%1
Answer: %2
True class: %3</source>
        <translation>%1
回答：%2
真实类别：%3</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Params (M)</source>
        <translation>参数量 (M)</translation>
    </message>
    <message>
        <source>GFLOPs per answer</source>
        <translation>每个回答的 GFLOPs</translation>
    </message>
    <message>
        <source>Seconds per question</source>
        <translation>每题秒数</translation>
    </message>
    <message>
        <source>Time outside the model (%)</source>
        <translation>模型之外的时间 (%)</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已回答</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Rural/urban</source>
        <translation>乡村/城市</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Overall (paper&apos;s mOA)</source>
        <translation>总体 (论文的 mOA)</translation>
    </message>
    <message>
        <source>Mean of types</source>
        <translation>各类型平均</translation>
    </message>
    <message>
        <source>OA %1</source>
        <translation>OA %1</translation>
    </message>
    <message>
        <source>AA %1</source>
        <translation>AA %1</translation>
    </message>
    <message>
        <source>acc@0.5 %1</source>
        <translation>acc@0.5 %1</translation>
    </message>
</context>
<context>
    <name>geolens::EvaluationReportWindow</name>
    <message>
        <source>Evaluation Report</source>
        <translation>评测报告</translation>
    </message>
    <message>
        <source>Evaluation Report: %1</source>
        <translation>评测报告：%1</translation>
    </message>
</context>
<context>
    <name>geolens::GpuInventory</name>
    <message>
        <source>, %1 free of %2</source>
        <translation>，空闲 %1，共 %2</translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>%1 not found</source>
        <translation>未找到 %1</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>%1 崩溃了</translation>
    </message>
    <message>
        <source>%1 failed with exit code %2</source>
        <translation>%1 失败，退出码 %2</translation>
    </message>
    <message>
        <source>%1 failed (exit code %2): %3</source>
        <translation>%1 失败（退出码 %2）：%3</translation>
    </message>
    <message>
        <source>%1 lists no GPU</source>
        <translation>%1 没有列出任何 GPU</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 s</source>
        <translation>%1 在 %2 秒内没有响应</translation>
    </message>
</context>
<context>
    <name>geolens::LossPlotWidget</name>
    <message>
        <source>Series</source>
        <translation>序列</translation>
    </message>
    <message>
        <source>Tick the curves to show; a double-click in the plot fits the view to them again</source>
        <translation>勾选要显示的曲线；在图中双击可重新让视图适配这些曲线</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Weight of the past in the moving average of the training curves (0: none); the raw points stay drawn faintly</source>
        <translation>训练曲线滑动平均中历史值的权重（0：不平滑）；原始数据点仍以淡色绘出</translation>
    </message>
    <message>
        <source>Logarithmic loss axis</source>
        <translation>损失轴使用对数刻度</translation>
    </message>
    <message>
        <source>Draw the losses on a logarithmic scale (values at or below zero are not shown)</source>
        <translation>以对数刻度绘制损失（小于或等于零的值不显示）</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save the plot as an image or PDF, or its data as CSV</source>
        <translation>将图表保存为图片或 PDF，或将其数据保存为 CSV</translation>
    </message>
    <message>
        <source>Plot as PNG image...</source>
        <translation>图表导出为 PNG 图片……</translation>
    </message>
    <message>
        <source>Plot as PDF...</source>
        <translation>图表导出为 PDF……</translation>
    </message>
    <message>
        <source>Data as CSV...</source>
        <translation>数据导出为 CSV……</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>每秒词元数</translation>
    </message>
    <message>
        <source>Memory (GB)</source>
        <translation>内存（GB）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 (smoothed %2)</source>
        <translation>%1（平滑后 %2）</translation>
    </message>
    <message>
        <source>%1
Step %2: %3</source>
        <translation>%1
第 %2 步：%3</translation>
    </message>
    <message>
        <source>The plot could not be drawn as an image.</source>
        <translation>无法将图表绘制为图片。</translation>
    </message>
    <message>
        <source>The plot could not be drawn as a PDF.</source>
        <translation>无法将图表绘制为 PDF。</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>geolens::MainWindow</name>
    <message>
        <source>Some pixels could not be read: %1</source>
        <translation>部分像素无法读取：%1</translation>
    </message>
    <message>
        <source>GeoLens</source>
        <translation>GeoLens</translation>
    </message>
    <message>
        <source>%1 - GeoLens</source>
        <translation>%1 - GeoLens</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Open Raster...</source>
        <translation>打开栅格(&amp;O)……</translation>
    </message>
    <message>
        <source>Open a GeoTIFF, COG, VRT, JPEG2000, PNG or JPEG file</source>
        <translation>打开 GeoTIFF、COG、VRT、JPEG2000、PNG 或 JPEG 文件</translation>
    </message>
    <message>
        <source>&amp;Export Tiles...</source>
        <translation>导出瓦片(&amp;E)……</translation>
    </message>
    <message>
        <source>Write the selected tiles (or all tiles) as PNG files with a GeoJSON index</source>
        <translation>将所选瓦片（或全部瓦片）写为 PNG 文件，并附 GeoJSON 索引</translation>
    </message>
    <message>
        <source>&amp;Close Raster</source>
        <translation>关闭栅格(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Fit</source>
        <translation>缩放至全图(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Native Resolution (1:1)</source>
        <translation>原始分辨率 (1:1)(&amp;N)</translation>
    </message>
    <message>
        <source>Show &amp;Tile Grid</source>
        <translation>显示瓦片网格(&amp;T)</translation>
    </message>
    <message>
        <source>Clear Tile &amp;Selection</source>
        <translation>清除瓦片选择(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;About GeoLens</source>
        <translation>关于 GeoLens(&amp;A)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Open Raster</source>
        <translation>打开栅格</translation>
    </message>
    <message>
        <source>Export Tiles To</source>
        <translation>导出瓦片到</translation>
    </message>
    <message>
        <source>About GeoLens</source>
        <translation>关于 GeoLens</translation>
    </message>
    <message>
        <source>&lt;b&gt;GeoLens %1&lt;/b&gt;&lt;p&gt;A desktop workbench for remote-sensing vision-language models: open rasters of any size, cut them into model tiles, and place the model&apos;s answers on the map.&lt;/p&gt;</source>
        <translation>&lt;b&gt;GeoLens %1&lt;/b&gt;&lt;p&gt;面向遥感视觉语言模型的桌面工作台：打开任意大小的栅格，切分为模型瓦片，并将模型的回答放置到地图上。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Build &amp;Overviews...</source>
        <translation>构建金字塔(&amp;O)……</translation>
    </message>
    <message>
        <source>Write reduced-resolution copies beside the raster (FILE.ovr) so that zoomed-out views are fast</source>
        <translation>在栅格旁写入降分辨率副本 (FILE.ovr)，使缩小视图更快</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Region turned by %1 degrees</source>
        <translation>区域已旋转 %1 度</translation>
    </message>
</context>
<context>
    <name>geolens::MapCanvas</name>
    <message>
        <source>Open a raster (File &gt; Open or drag a file here)</source>
        <translation>打开栅格（文件 &gt; 打开，或将文件拖到此处）</translation>
    </message>
</context>
<context>
    <name>geolens::MetricsSeriesModel</name>
    <message>
        <source>“%1” (key %2 in metrics.jsonl) is zero at every step, so it is hidden; tick to show it anyway</source>
        <translation>“%1”（metrics.jsonl 中的键 %2）每一步都为零，因此已隐藏；勾选可仍然显示</translation>
    </message>
    <message>
        <source>Show or hide “%1” (key %2 in metrics.jsonl)</source>
        <translation>显示或隐藏“%1”（metrics.jsonl 中的键 %2）</translation>
    </message>
    <message>
        <source>Total loss</source>
        <translation>总损失</translation>
    </message>
    <message>
        <source>Reverse KL</source>
        <translation>反向 KL</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>Validation reverse KL</source>
        <translation>验证反向 KL</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>每秒词元数</translation>
    </message>
    <message>
        <source>Student answer length</source>
        <translation>学生模型回答长度</translation>
    </message>
    <message>
        <source>GPU memory (GB)</source>
        <translation>GPU 显存（GB）</translation>
    </message>
    <message>
        <source>Process memory (GB)</source>
        <translation>进程内存（GB）</translation>
    </message>
    <message>
        <source>Alignment term</source>
        <translation>特征对齐项</translation>
    </message>
    <message>
        <source>Policy-gradient term</source>
        <translation>策略梯度项</translation>
    </message>
    <message>
        <source>Single-step term</source>
        <translation>单步分解项</translation>
    </message>
    <message>
        <source>Pretraining term</source>
        <translation>预训练项</translation>
    </message>
    <message>
        <source>KD term</source>
        <translation>知识蒸馏项</translation>
    </message>
    <message>
        <source>Cross-entropy term</source>
        <translation>交叉熵项</translation>
    </message>
    <message>
        <source>Alignment share of the gradient</source>
        <translation>对齐项梯度占比</translation>
    </message>
    <message>
        <source>Policy ratio deviation</source>
        <translation>策略比率偏差</translation>
    </message>
    <message>
        <source>Clipped token share</source>
        <translation>被裁剪词元占比</translation>
    </message>
    <message>
        <source>Aspect term (binary cross-entropy)</source>
        <translation>方面项(二元交叉熵)</translation>
    </message>
    <message>
        <source>Validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>Validation agreement with the teacher</source>
        <translation>验证集上与教师的一致率</translation>
    </message>
    <message>
        <source>Validation aspect error</source>
        <translation>验证集方面误差</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
</context>
<context>
    <name>geolens::ModelComparisonDialog</name>
    <message>
        <source>Teacher Model Folder</source>
        <translation>教师模型文件夹</translation>
    </message>
    <message>
        <source>Student Model Folder</source>
        <translation>学生模型文件夹</translation>
    </message>
    <message>
        <source>Save Comparison Report</source>
        <translation>保存对比报告</translation>
    </message>
    <message>
        <source>JSON report (*.json)</source>
        <translation>JSON 报告 (*.json)</translation>
    </message>
    <message>
        <source>No tiles are selected: select the tiles to compare on the map first (click, Ctrl+click).</source>
        <translation>未选中瓦片：请先在地图上选择要对比的瓦片（单击，Ctrl+单击）。</translation>
    </message>
    <message numerus="yes">
        <source>On %n selected tile(s): %1</source>
        <translation>
            <numerusform>在 %n 块选中的瓦片上：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a raster first: the models are compared on its tiles.</source>
        <translation>请先打开栅格：模型将在其瓦片上进行对比。</translation>
    </message>
    <message>
        <source>Select the tiles to compare on the map first (click a tile, Ctrl+click for more).</source>
        <translation>请先在地图上选择要对比的瓦片（单击一块瓦片，Ctrl+单击添加更多）。</translation>
    </message>
    <message>
        <source>%1 tiles are selected; a comparison takes at most %2.</source>
        <translation>已选中 %1 块瓦片；一次对比最多 %2 块。</translation>
    </message>
    <message>
        <source>Choose the teacher&apos;s model folder.</source>
        <translation>请选择教师模型文件夹。</translation>
    </message>
    <message>
        <source>The teacher folder %1 holds no config.json, so it is not a model folder.</source>
        <translation>教师文件夹 %1 中没有 config.json，因此不是模型文件夹。</translation>
    </message>
    <message>
        <source>Choose the student&apos;s model folder.</source>
        <translation>请选择学生模型文件夹。</translation>
    </message>
    <message>
        <source>The student folder %1 holds no config.json, so it is not a model folder.</source>
        <translation>学生文件夹 %1 中没有 config.json，因此不是模型文件夹。</translation>
    </message>
    <message>
        <source>List the scene classes, separated by commas.</source>
        <translation>请列出场景类别，用逗号分隔。</translation>
    </message>
    <message>
        <source>Say what to find, such as &quot;airplanes&quot;.</source>
        <translation>请说明要查找什么，例如“airplanes”。</translation>
    </message>
    <message>
        <source>Type the question both models should answer.</source>
        <translation>请输入两个模型都要回答的问题。</translation>
    </message>
    <message>
        <source>The teacher&apos;s device must be auto, cpu or cuda:N, not &quot;%1&quot;.</source>
        <translation>教师模型的设备必须是 auto、cpu 或 cuda:N，而不是“%1”。</translation>
    </message>
    <message>
        <source>The student&apos;s device must be auto, cpu or cuda:N, not &quot;%1&quot;.</source>
        <translation>学生模型的设备必须是 auto、cpu 或 cuda:N，而不是“%1”。</translation>
    </message>
    <message>
        <source>Compare Teacher and Student</source>
        <translation>对比教师与学生模型</translation>
    </message>
    <message numerus="yes">
        <source>Running %1 and then %2 on %n tile(s)...</source>
        <translation>
            <numerusform>正在先后用 %1 和 %2 处理 %n 块瓦片……</numerusform>
        </translation>
    </message>
    <message>
        <source>The comparison failed: %1</source>
        <translation>对比失败：%1</translation>
    </message>
    <message>
        <source>The comparison was canceled.</source>
        <translation>对比已取消。</translation>
    </message>
    <message>
        <source>same</source>
        <translation>相同</translation>
    </message>
    <message>
        <source>different</source>
        <translation>不同</translation>
    </message>
    <message>
        <source>%1 % similar; %2 of %3 boxes matched, %4 found</source>
        <translation>相似度 %1 %；%3 个框中匹配 %2 个，找到 %4 个</translation>
    </message>
    <message>
        <source>%1 % similar</source>
        <translation>相似度 %1 %</translation>
    </message>
    <message>
        <source>%1 on %2 (%3): %4 s per tile, %5 tokens/s, loaded in %6 s</source>
        <translation>%1，运行于 %2（%3）：每块瓦片 %4 秒，%5 词元/秒，加载用时 %6 秒</translation>
    </message>
    <message>
        <source>Teacher: %1</source>
        <translation>教师：%1</translation>
    </message>
    <message>
        <source>Student: %1</source>
        <translation>学生：%1</translation>
    </message>
    <message>
        <source>Same label on %1 of %2 tiles</source>
        <translation>%2 块瓦片中有 %1 块标签相同</translation>
    </message>
    <message>
        <source>Same answer on %1 of %2 tiles</source>
        <translation>%2 块瓦片中有 %1 块回答相同</translation>
    </message>
    <message>
        <source>; answers %1 % similar</source>
        <translation>；回答相似度 %1 %</translation>
    </message>
    <message>
        <source>; box F1 %1 against the teacher&apos;s boxes (IoU at least %2)</source>
        <translation>；相对教师框的 F1 为 %1（IoU 至少 %2）</translation>
    </message>
    <message>
        <source>&lt;b&gt;The student runs at %1× the teacher&apos;s speed.&lt;/b&gt; %2.</source>
        <translation>&lt;b&gt;学生模型的速度是教师模型的 %1 倍。&lt;/b&gt;%2。</translation>
    </message>
    <message>
        <source>Teacher: %1
Student: %2</source>
        <translation>教师：%1
学生：%2</translation>
    </message>
    <message>
        <source>The report could not be written to %1: %2</source>
        <translation>无法将报告写入 %1：%2</translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>The scene classes both models choose from, separated by commas</source>
        <translation>两个模型从中选择的场景类别，用逗号分隔</translation>
    </message>
    <message>
        <source>Find:</source>
        <translation>查找：</translation>
    </message>
    <message>
        <source>What both models should put boxes around, such as &quot;airplanes&quot;</source>
        <translation>两个模型都要框出的目标，例如“airplanes”</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示：</translation>
    </message>
    <message>
        <source>Both models describe each tile with boxes around what they mention</source>
        <translation>两个模型都描述每块瓦片，并框出所提到的目标</translation>
    </message>
    <message>
        <source>Question:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <source>The question both models answer about each tile</source>
        <translation>两个模型针对每块瓦片回答的问题</translation>
    </message>
    <message>
        <source>Teacher:</source>
        <translation>教师：</translation>
    </message>
    <message>
        <source>Student:</source>
        <translation>学生：</translation>
    </message>
    <message>
        <source>The larger model the student learned from (a model folder with config.json)</source>
        <translation>学生模型向其学习的较大模型（包含 config.json 的模型文件夹）</translation>
    </message>
    <message>
        <source>The distilled model, such as the student folder of a distillation run</source>
        <translation>蒸馏出的模型，例如某次蒸馏运行的 student 文件夹</translation>
    </message>
    <message>
        <source>Teacher device:</source>
        <translation>教师设备：</translation>
    </message>
    <message>
        <source>Student device:</source>
        <translation>学生设备：</translation>
    </message>
    <message>
        <source>Where the model runs: auto takes the first GPU when there is one, else the CPU; another device can be typed as cuda:N</source>
        <translation>模型运行的设备：auto 有 GPU 时用第一块 GPU，否则用 CPU；其他设备可输入 cuda:N</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>任务：</translation>
    </message>
    <message>
        <source>Scene labels</source>
        <translation>场景标签</translation>
    </message>
    <message>
        <source>Find objects (boxes)</source>
        <translation>查找目标（框）</translation>
    </message>
    <message>
        <source>Describe with boxes</source>
        <translation>带框描述</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>What both models are asked about every selected tile</source>
        <translation>对每块选中瓦片向两个模型提出的任务</translation>
    </message>
    <message>
        <source>&amp;Compare</source>
        <translation>对比(&amp;C)</translation>
    </message>
    <message>
        <source>Load the teacher, then the student, one after the other, and run both on the selected tiles, one tile at a time (Alt+C)</source>
        <translation>先后加载教师模型和学生模型，在选中的瓦片上逐块运行两者（Alt+C）</translation>
    </message>
    <message>
        <source>Save Report...</source>
        <translation>保存报告……</translation>
    </message>
    <message>
        <source>Write both models&apos; answers, boxes, times and the agreement as JSON</source>
        <translation>将两个模型的回答、框、用时和一致性写为 JSON</translation>
    </message>
    <message>
        <source>The map shows:</source>
        <translation>地图显示：</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>教师</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>不显示</translation>
    </message>
    <message>
        <source>Tile</source>
        <translation>瓦片</translation>
    </message>
    <message>
        <source>Teacher (s)</source>
        <translation>教师（秒）</translation>
    </message>
    <message>
        <source>Student (s)</source>
        <translation>学生（秒）</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>一致性</translation>
    </message>
</context>
<context>
    <name>geolens::ModelLoadDialog</name>
    <message>
        <source>%1 billion</source>
        <translation>%1 十亿</translation>
    </message>
    <message>
        <source>%1 million</source>
        <translation>%1 百万</translation>
    </message>
    <message>
        <source>Load Model</source>
        <translation>加载模型</translation>
    </message>
    <message>
        <source>A model folder: config.json, the weights and tokenizer.model</source>
        <translation>模型文件夹:config.json、权重和 tokenizer.model</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>model&apos;s own</source>
        <translation>模型自身</translation>
    </message>
    <message>
        <source>The side of the square the model sees each tile at. GeoChat runs at 504 px; a smaller size is faster and needs less of the model&apos;s context. Remembered for each model folder.</source>
        <translation>模型看到每个瓦片时的正方形边长。GeoChat 使用 504 像素;更小的尺寸更快,占用的模型上下文也更少。每个模型文件夹分别记住。</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>图像尺寸：</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Choose a model folder.</source>
        <translation>请选择模型文件夹。</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>About %1 parameters; text context of %2 positions; at %3 px an image takes %4 of them.</source>
        <translation>约 %1 个参数;文本上下文 %2 个位置;在 %3 像素下一幅图像占用其中 %4 个。</translation>
    </message>
    <message>
        <source>This model cannot take its images: %1</source>
        <translation>该模型无法接收其图像:%1</translation>
    </message>
    <message>
        <source>Automatic: bf16 on a GPU, f32 on the CPU</source>
        <translation>自动：GPU 上用 bf16，CPU 上用 f32</translation>
    </message>
    <message>
        <source>f32: full precision</source>
        <translation>f32：全精度</translation>
    </message>
    <message>
        <source>bf16: half the memory</source>
        <translation>bf16：内存减半</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <source>the model&apos;s own</source>
        <translation>模型自带</translation>
    </message>
    <message>
        <source>Only for checkpoints without vision-tower weights, as the original LLaVA-1.5 releases are: the folder of the CLIP model their config names, e.g. openai/clip-vit-large-patch14-336. Remembered for each model folder.</source>
        <translation>仅用于不含视觉塔权重的检查点（如 LLaVA-1.5 的原始发布版）：其配置所指 CLIP 模型的文件夹，例如 openai/clip-vit-large-patch14-336。按模型文件夹分别记住。</translation>
    </message>
    <message>
        <source>int8 (CPU): a quarter of the memory</source>
        <translation>int8（CPU）：四分之一的内存</translation>
    </message>
    <message>
        <source>Vision tower:</source>
        <translation>视觉塔：</translation>
    </message>
    <message>
        <source>Vision Tower</source>
        <translation>视觉塔</translation>
    </message>
    <message>
        <source>this checkpoint has no vision-tower weights: like the original LLaVA-1.5 releases, it keeps the CLIP tower apart. Download the tower its config.json names (e.g. `hf download openai/clip-vit-large-patch14-336 --local-dir clip-vit-large-patch14-336`) and choose its folder under Vision tower.</source>
        <translation>此检查点不含视觉塔权重：与 LLaVA-1.5 的原始发布版一样，它单独存放 CLIP 视觉塔。请下载其 config.json 所指的视觉塔（例如 `hf download openai/clip-vit-large-patch14-336 --local-dir clip-vit-large-patch14-336`），并在“视觉塔”中选择其文件夹。</translation>
    </message>
    <message>
        <source>How the model&apos;s weights are held. bf16 halves the memory of f32: a 7B model loads in 14 GB. int8 holds the language model&apos;s layers as int8 and the rest as bf16, on the CPU only: a 7B model loads in under 8 GB and decodes fastest there. Both answer close to f32: docs/engine.md gives their drift and speed.</source>
        <translation>模型权重的存放方式。bf16 的内存是 f32 的一半：7B 模型加载需 14 GB。int8 以 int8 存放语言模型各层、其余部分为 bf16，仅限 CPU：7B 模型加载不到 8 GB，在 CPU 上解码最快。二者的回答都接近 f32：docs/engine.md 给出了它们的偏差和速度。</translation>
    </message>
</context>
<context>
    <name>geolens::ModelStatusLabel</name>
    <message>
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Model: %1 (%2, %3)</source>
        <translation>模型：%1（%2，%3）</translation>
    </message>
    <message>
        <source>Click to load a model folder (Ctrl+M)</source>
        <translation>单击加载模型文件夹（Ctrl+M）</translation>
    </message>
    <message>
        <source>%1
%2 layout, %3 billion parameters, %4 MiB of weights
%5 layers, hidden size %6, %7 px input, %8 image tokens
Click to load another model</source>
        <translation>%1
%2 布局，%3 十亿参数，权重 %4 MiB
%5 层，隐藏维度 %6，输入 %7 像素，图像词元 %8 个
单击加载其他模型</translation>
    </message>
</context>
<context>
    <name>geolens::NoModelGuide</name>
    <message>
        <source>No model loaded</source>
        <translation>尚未加载模型</translation>
    </message>
    <message>
        <source>GeoLens runs GeoChat and LLaVA-1.5 models from a folder on this computer. Download one (about 14 GB for a 7B model) with Hugging Face&apos;s command-line tool, then load its folder. An interrupted download resumes when the same command runs again. The README&apos;s Models section lists the memory each needs.</source>
        <translation>GeoLens 运行本机文件夹中的 GeoChat 和 LLaVA-1.5 模型。请用 Hugging Face 的命令行工具下载一个模型（7B 模型约 14 GB），然后加载其文件夹。下载中断后，再次运行同一命令即可继续。README 的“Models”一节列出了各模型所需的内存。</translation>
    </message>
    <message>
        <source>Commands for a terminal; select them or use Copy</source>
        <translation>在终端中运行的命令；可选中或使用“复制”</translation>
    </message>
    <message>
        <source>Copy Commands</source>
        <translation>复制命令</translation>
    </message>
    <message>
        <source>Copy the download commands to the clipboard</source>
        <translation>将下载命令复制到剪贴板</translation>
    </message>
    <message>
        <source>Load Model...</source>
        <translation>加载模型...</translation>
    </message>
    <message>
        <source>Choose a downloaded model folder (Ctrl+M)</source>
        <translation>选择已下载的模型文件夹（Ctrl+M）</translation>
    </message>
</context>
<context>
    <name>geolens::RasterInfoPanel</name>
    <message>
        <source>Property</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>%1 x %2 pixels</source>
        <translation>%1 × %2 像素</translation>
    </message>
    <message>
        <source>Bands</source>
        <translation>波段</translation>
    </message>
    <message>
        <source>Data type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>CRS</source>
        <translation>坐标参考系</translation>
    </message>
    <message>
        <source>none: pixel coordinates only</source>
        <translation>无：仅像素坐标</translation>
    </message>
    <message>
        <source>Pixel size</source>
        <translation>像元大小</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>原点</translation>
    </message>
    <message>
        <source>Geotransform</source>
        <translation>地理变换</translation>
    </message>
    <message>
        <source>Overviews</source>
        <translation>金字塔</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Band list</source>
        <translation>波段列表</translation>
    </message>
    <message numerus="yes">
        <source>%n more band(s)</source>
        <translation>
            <numerusform>另有 %n 个波段</numerusform>
        </translation>
    </message>
    <message>
        <source>Band %1</source>
        <translation>波段 %1</translation>
    </message>
    <message>
        <source>Nodata</source>
        <translation>无效值</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
</context>
<context>
    <name>geolens::RasterTasks</name>
    <message>
        <source>Opening %1...</source>
        <translation>正在打开 %1……</translation>
    </message>
    <message>
        <source>Cannot open raster</source>
        <translation>无法打开栅格</translation>
    </message>
    <message>
        <source>GeoLens cannot open %1.</source>
        <translation>GeoLens 无法打开 %1。</translation>
    </message>
    <message numerus="yes">
        <source>Opened %1 (%2 x %3, %n band(s))</source>
        <translation>
            <numerusform>已打开 %1（%2 × %3，%n 个波段）</numerusform>
        </translation>
    </message>
    <message>
        <source>No overviews: File &gt; Build Overviews makes zoomed-out views fast.</source>
        <translation>无金字塔：“文件 &gt; 构建金字塔”可加快缩小视图。</translation>
    </message>
    <message>
        <source>Computing the display stretch...</source>
        <translation>正在计算显示拉伸……</translation>
    </message>
    <message>
        <source>Export Tiles</source>
        <translation>导出瓦片</translation>
    </message>
    <message numerus="yes">
        <source>Writing %n tile(s)...</source>
        <translation>
            <numerusform>正在写入 %n 个瓦片……</numerusform>
        </translation>
    </message>
    <message>
        <source>Tile export canceled; the tiles written so far are complete.</source>
        <translation>瓦片导出已取消；已写出的瓦片均完整。</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Tile export failed</source>
        <translation>瓦片导出失败</translation>
    </message>
    <message>
        <source>The tiles could not be written to %1.</source>
        <translation>无法将瓦片写入 %1。</translation>
    </message>
    <message>
        <source>Tiles written to %1</source>
        <translation>瓦片已写入 %1</translation>
    </message>
    <message>
        <source>Build Overviews</source>
        <translation>构建金字塔</translation>
    </message>
    <message>
        <source>Building overviews for %1...</source>
        <translation>正在为 %1 构建金字塔……</translation>
    </message>
    <message>
        <source>Building overviews canceled; nothing was written.</source>
        <translation>已取消构建金字塔；未写入任何内容。</translation>
    </message>
    <message>
        <source>Cannot build overviews</source>
        <translation>无法构建金字塔</translation>
    </message>
    <message>
        <source>Overviews for %1 could not be built.</source>
        <translation>无法为 %1 构建金字塔。</translation>
    </message>
    <message>
        <source>Overviews built; reopening %1</source>
        <translation>金字塔已构建；正在重新打开 %1</translation>
    </message>
</context>
<context>
    <name>geolens::RecentFilesMenu</name>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>无最近文件</translation>
    </message>
    <message>
        <source>Clear Recent Files</source>
        <translation>清除最近文件</translation>
    </message>
</context>
<context>
    <name>geolens::ResultsPanel</name>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Tile</source>
        <translation>瓦片</translation>
    </message>
    <message>
        <source>Double-click a result to zoom to it</source>
        <translation>双击结果以缩放到该处</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Asked: %1
Answer: %2</source>
        <translation>提问:%1
回答:%2</translation>
    </message>
    <message>
        <source>Details: %1</source>
        <translation>详情:%1</translation>
    </message>
</context>
<context>
    <name>geolens::SceneLabelDialog</name>
    <message>
        <source>Label Tiles</source>
        <translation>标注瓦片</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Class lists of the benchmarks GeoChat is evaluated on</source>
        <translation>GeoChat 评测所用基准数据集的类别列表</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <source>One class per line</source>
        <translation>每行一个类别</translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Generate: free answer mapped to a class</source>
        <translation>生成：自由回答并映射到类别</translation>
    </message>
    <message>
        <source>Score: probability of every class</source>
        <translation>打分：每个类别的概率</translation>
    </message>
    <message>
        <source>Scoring compares the likelihood of every class name as the answer</source>
        <translation>打分模式比较每个类别名作为回答的似然</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Selected tiles (all when none is selected)</source>
        <translation>所选瓦片（未选择时为全部）</translation>
    </message>
    <message>
        <source>All tiles</source>
        <translation>全部瓦片</translation>
    </message>
    <message>
        <source>Tiles in view</source>
        <translation>视图内的瓦片</translation>
    </message>
    <message>
        <source>Tiles:</source>
        <translation>瓦片：</translation>
    </message>
</context>
<context>
    <name>geolens::TaskRunner</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>geolens::TileClassifierRunWindow</name>
    <message>
        <source>Tile Classifier Run</source>
        <translation>瓦片分类器运行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>End the running step; Resume goes on where it stopped</source>
        <translation>结束正在运行的步骤;“继续”会从停止处接着运行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Run the steps again: what is done is kept</source>
        <translation>再次运行各步骤:已完成的部分会保留</translation>
    </message>
    <message>
        <source>Label Tiles</source>
        <translation>标注瓦片</translation>
    </message>
    <message>
        <source>Label the map&apos;s tiles with the best classifier so far</source>
        <translation>用目前最好的分类器标注地图上的瓦片</translation>
    </message>
    <message>
        <source>A run is going; stop it first.</source>
        <translation>已有运行在进行;请先停止它。</translation>
    </message>
    <message>
        <source>geolens-cli was not found next to this application or on PATH.</source>
        <translation>在本程序旁边和 PATH 中都找不到 geolens-cli。</translation>
    </message>
    <message>
        <source>Step %1 of %2: the teacher judges every tile</source>
        <translation>第 %1 步(共 %2 步):教师判断每个瓦片</translation>
    </message>
    <message>
        <source>Step %1 of %2: the classifier learns</source>
        <translation>第 %1 步(共 %2 步):分类器学习中</translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) judged</source>
        <translation>
            <numerusform>已判断 %n 个瓦片</numerusform>
        </translation>
    </message>
    <message>
        <source>epoch %v of %m</source>
        <translation>第 %v 轮,共 %m 轮</translation>
    </message>
    <message>
        <source>Done: the classifier is in %1.</source>
        <translation>完成:分类器位于 %1。</translation>
    </message>
    <message>
        <source>Stopped. Resume goes on where it stopped.</source>
        <translation>已停止。“继续”会从停止处接着运行。</translation>
    </message>
    <message>
        <source>Step %1 failed; its messages are below.</source>
        <translation>第 %1 步失败;其信息见下方。</translation>
    </message>
</context>
<context>
    <name>geolens::TileClassifierWizard</name>
    <message>
        <source>New Tile Classifier (Multi-Aspect)</source>
        <translation>新建瓦片分类器(多方面)</translation>
    </message>
    <message>
        <source>Teacher and tiles</source>
        <translation>教师与瓦片</translation>
    </message>
    <message>
        <source>The model asks every tile its class and the aspect questions; a small classifier then learns its answers and labels a whole mosaic in minutes.</source>
        <translation>模型对每个瓦片回答类别和各方面问题;随后一个小分类器学习这些回答,几分钟即可标注整幅镶嵌图。</translation>
    </message>
    <message>
        <source>The GeoChat model folder that answers the questions</source>
        <translation>回答问题的 GeoChat 模型文件夹</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
    <message>
        <source>Choose the Teacher Model</source>
        <translation>选择教师模型</translation>
    </message>
    <message>
        <source>Teacher model:</source>
        <translation>教师模型:</translation>
    </message>
    <message>
        <source>A raster, whose tiles are judged, or a folder of images; images in subfolders take the subfolder&apos;s name as their true class</source>
        <translation>一个栅格(判断其瓦片)或一个图像文件夹;子文件夹中的图像以子文件夹名作为真实类别</translation>
    </message>
    <message>
        <source>Choose a Folder of Images</source>
        <translation>选择图像文件夹</translation>
    </message>
    <message>
        <source>Raster or image folder:</source>
        <translation>栅格或图像文件夹:</translation>
    </message>
    <message>
        <source>My own classes</source>
        <translation>自定义类别</translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>One class a line</source>
        <translation>每行一个类别</translation>
    </message>
    <message>
        <source>Your own classes, one a line</source>
        <translation>自定义类别,每行一个</translation>
    </message>
    <message>
        <source>A new or empty folder, or one whose run is to go on: the targets, the training run and the classifier go there</source>
        <translation>新的或空的文件夹,或要继续运行的文件夹:目标、训练运行和分类器都保存在这里</translation>
    </message>
    <message>
        <source>Choose the Output Folder</source>
        <translation>选择输出文件夹</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <source>Aspect questions</source>
        <translation>方面问题</translation>
    </message>
    <message>
        <source>Yes/no questions the teacher answers about every tile. The classifier learns the probability of each as well as the class, and puts it on the map.</source>
        <translation>教师对每个瓦片回答的是/否问题。分类器除类别外还学习每个问题的概率,并显示在地图上。</translation>
    </message>
    <message>
        <source>One question a line, as &quot;key: question?&quot;; lines starting with # are comments</source>
        <translation>每行一个问题,格式为“键: 问题?”;以 # 开头的行是注释</translation>
    </message>
    <message>
        <source>Reset to Defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <source>The built-in questions about land cover, buildings, objects and setting</source>
        <translation>内置的关于土地覆盖、建筑、目标和环境的问题</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>The classifier and its training. The defaults suit most mosaics.</source>
        <translation>分类器及其训练。默认值适合大多数镶嵌图。</translation>
    </message>
    <message>
        <source>ResNet-18</source>
        <translation>ResNet-18</translation>
    </message>
    <message>
        <source>ResNet-10 (faster, smaller)</source>
        <translation>ResNet-10(更快、更小)</translation>
    </message>
    <message>
        <source>Network:</source>
        <translation>网络:</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>宽度:</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>The side of the tile images the classifier sees</source>
        <translation>分类器看到的瓦片图像边长</translation>
    </message>
    <message>
        <source>Input size:</source>
        <translation>输入尺寸:</translation>
    </message>
    <message>
        <source>Epochs at most:</source>
        <translation>最多轮数:</translation>
    </message>
    <message>
        <source>Training stops after this many epochs without a better validation accuracy</source>
        <translation>验证准确率连续这么多轮没有提高时停止训练</translation>
    </message>
    <message>
        <source>Patience:</source>
        <translation>耐心轮数:</translation>
    </message>
    <message>
        <source>Weight of the aspects&apos; binary cross-entropy beside the classes&apos; cross-entropy; 0 learns the classes alone</source>
        <translation>方面二元交叉熵相对于类别交叉熵的权重;0 表示只学习类别</translation>
    </message>
    <message>
        <source>Aspect weight:</source>
        <translation>方面权重:</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>The class folders</source>
        <translation>类别文件夹</translation>
    </message>
    <message>
        <source>The teacher&apos;s classes</source>
        <translation>教师给出的类别</translation>
    </message>
    <message>
        <source>What the classes are learnt from; automatic takes the class folders when every image is in one, else the teacher&apos;s answers</source>
        <translation>类别从哪里学习;自动:每幅图像都在类别文件夹中时用文件夹,否则用教师的回答</translation>
    </message>
    <message>
        <source>Classes from:</source>
        <translation>类别来源:</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Share of the tiles held out to choose the best epoch</source>
        <translation>留出用于选择最佳轮次的瓦片比例</translation>
    </message>
    <message>
        <source>Validation share:</source>
        <translation>验证比例:</translation>
    </message>
    <message>
        <source>The run will be:
%1</source>
        <translation>将运行:
%1</translation>
    </message>
    <message>
        <source>Choose the teacher model folder.</source>
        <translation>请选择教师模型文件夹。</translation>
    </message>
    <message>
        <source>%1 is not a model folder: it has no config.json.</source>
        <translation>%1 不是模型文件夹:其中没有 config.json。</translation>
    </message>
    <message>
        <source>Choose a raster or a folder of images that exists.</source>
        <translation>请选择一个存在的栅格或图像文件夹。</translation>
    </message>
    <message>
        <source>Write at least one class, one a line.</source>
        <translation>请至少写一个类别,每行一个。</translation>
    </message>
    <message>
        <source>A class cannot hold a comma.</source>
        <translation>类别中不能含有逗号。</translation>
    </message>
    <message>
        <source>Choose the output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <source>%1 is not empty and holds no earlier run of this kind; choose a new or empty folder.</source>
        <translation>%1 不是空的,也没有此类之前的运行;请选择新的或空的文件夹。</translation>
    </message>
    <message>
        <source>The questions</source>
        <translation>问题</translation>
    </message>
    <message numerus="yes">
        <source>%n question(s)</source>
        <translation>
            <numerusform>%n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>无法写入 %1:%2</translation>
    </message>
    <message>
        <source>The teacher&apos;s CLIP tower, frozen, with a small head</source>
        <translation>教师模型的 CLIP 视觉塔（冻结）加小型分类头</translation>
    </message>
    <message>
        <source>A CNN learns from the pixels. The CLIP tower sees what the teacher sees and trains only a small head, but runs slower and keeps reading the teacher&apos;s folder.</source>
        <translation>CNN 直接从像素学习。CLIP 视觉塔与教师模型看到相同的特征，只训练一个小型分类头，但运行较慢，并且始终从教师模型文件夹读取视觉塔。</translation>
    </message>
    <message>
        <source>Channels of the CNN&apos;s first stage (64 is ResNet&apos;s own), or the head&apos;s hidden width</source>
        <translation>CNN 第一阶段的通道数（ResNet 本身为 64），或分类头的隐藏层宽度</translation>
    </message>
    <message>
        <source>The CLIP tower student needs the teacher&apos;s model folder, not random weights.</source>
        <translation>CLIP 视觉塔学生模型需要教师模型文件夹，不能使用随机权重。</translation>
    </message>
</context>
<context>
    <name>geolens::TrialRun</name>
    <message>
        <source>This configuration cannot run:</source>
        <translation>此配置无法运行：</translation>
    </message>
    <message>
        <source>Cannot create a temporary folder in %1 for the trial: %2</source>
        <translation>无法在 %1 中为试运行创建临时文件夹：%2</translation>
    </message>
    <message>
        <source>%1 is not an executable program.</source>
        <translation>%1 不是可执行程序。</translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>%1 ended with exit code %2</source>
        <translation>%1 结束，退出码 %2</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>%1 崩溃了</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>The trial wrote %1 steps to %2, too few to time one.</source>
        <translation>试运行只向 %2 写入了 %1 步，太少，无法计时。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Raster to open</source>
        <translation>要打开的栅格</translation>
    </message>
    <message>
        <source>Save a picture of the window once the raster is drawn, then quit</source>
        <translation>栅格绘制完成后保存窗口截图并退出</translation>
    </message>
    <message>
        <source>Interface language (en, zh_CN)</source>
        <translation>界面语言 (en, zh_CN)</translation>
    </message>
    <message>
        <source>Tile ids to select, comma-separated</source>
        <translation>要选择的瓦片编号，以逗号分隔</translation>
    </message>
    <message>
        <source>Model folder to load</source>
        <translation>要加载的模型文件夹</translation>
    </message>
    <message>
        <source>Model input size in pixels (default: the model&apos;s)</source>
        <translation>模型输入尺寸（像素，默认为模型自身的）</translation>
    </message>
    <message>
        <source>Label the tiles with a class preset (ucm, aid, nwpu) once the raster and model are loaded</source>
        <translation>栅格和模型加载后，用类别预设（ucm、aid、nwpu）标注瓦片</translation>
    </message>
    <message>
        <source>Ask the chat a question about the view once the raster and model are loaded</source>
        <translation>栅格和模型加载后，就当前视图向对话提问</translation>
    </message>
    <message>
        <source>Find the objects a query names in the selected tiles (or all)</source>
        <translation>在选中的瓦片（或全部瓦片）中查找查询所指的目标</translation>
    </message>
    <message>
        <source>Describe the selected tiles (or all) with boxes</source>
        <translation>用框描述选中的瓦片（或全部瓦片）</translation>
    </message>
    <message>
        <source>Describe a region given in raster pixels as x1,y1,x2,y2[,angle]</source>
        <translation>描述以栅格像素给出的区域：x1,y1,x2,y2[,角度]</translation>
    </message>
    <message>
        <source>Write the results to a .gpkg, .geojson or .csv file once every task is done</source>
        <translation>所有任务完成后将结果写入 .gpkg、.geojson 或 .csv 文件</translation>
    </message>
    <message>
        <source>Show a distillation run folder in the run monitor</source>
        <translation>在运行监视器中显示蒸馏运行文件夹</translation>
    </message>
    <message>
        <source>Compare the --model (the student) with this teacher folder on the selected tiles</source>
        <translation>在选中的瓦片上将 --model（学生模型）与此教师模型文件夹对比</translation>
    </message>
    <message>
        <source>What --compare-with asks: scene:CLASSES, refer:QUERY, grounding or question:TEXT</source>
        <translation>--compare-with 的任务：scene:类别、refer:查询、grounding 或 question:文本</translation>
    </message>
    <message>
        <source>Evaluation report folder to show</source>
        <translation>要显示的评估报告文件夹</translation>
    </message>
    <message>
        <source>Remote-sensing vision-language workbench.

Environment: GEOLENS_MODEL=folder loads that model when --model is not given.
Example: geolens --model ~/models/GeoChat-KD data/bluemarble.tif</source>
        <translation>遥感视觉语言工作台。

环境变量：未给出 --model 时，GEOLENS_MODEL=文件夹 加载该模型。
示例：geolens --model ~/models/GeoChat-KD data/bluemarble.tif</translation>
    </message>
    <message>
        <source>CLIP folder for a model without vision-tower weights (original LLaVA-1.5)</source>
        <translation>不含视觉塔权重的模型所用的 CLIP 文件夹（LLaVA-1.5 原始发布版）</translation>
    </message>
    <message>
        <source>Label the tiles with a trained tile classifier (its folder); needs no model</source>
        <translation>用训练好的瓦片分类器(其文件夹)标注瓦片;无需模型</translation>
    </message>
    <message>
        <source>Colour the labelled tiles as a heat map of this aspect (after the labels)</source>
        <translation>标注完成后,以该方面的热力图为瓦片着色</translation>
    </message>
</context>
</TS>
