/* Kaejon chat simulator: a LINE-like chat in the browser, talking to the bot through
 * the same /callback that LINE uses and reading the bot's answers from the LINE stand-in.
 *
 * LINE keeps the conversation, so a reloaded page reads each chat's history back from
 * the stand-in (config.urls.history): what the person did and what the bot sent. Under
 * the chat is the person's rich menu, the picture the bot uploaded with its tappable
 * areas, switchable with the keyboard as in LINE. Message text is always put in the page
 * with textContent, never parsed as HTML. Labels come translated from the server
 * (config.labels); this file holds no user-facing words of its own.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("simulator-config").textContent);
  var L = config.labels;
  var POLL_MS = 700;
  var BACKGROUND_EVERY = 6; // poll one hidden chat every this many ticks, for unread badges

  var $ = function (id) { return document.getElementById(id); };
  var logEl = $("log");
  var quickEl = $("quick");
  var textEl = $("text");
  var menuEl = $("richmenu");
  var typingEl = null;

  // ---------------------------------------------------------------- state

  var chats = {};
  var order = [];
  config.people.forEach(function (p) {
    chats[p.key] = { key: p.key, id: p.id, name: p.name, isGroup: false, groupKey: null };
    order.push(p.key);
  });
  config.groups.forEach(function (g) {
    var key = "group:" + g.key;
    chats[key] = { key: key, id: g.id, name: g.name, isGroup: true, groupKey: g.key };
    order.push(key);
  });
  order.forEach(function (key) {
    var c = chats[key];
    c.entries = [];
    c.after = 0;
    c.quick = null;
    c.unread = 0;
    c.speaker = config.people.length ? config.people[0].key : null;
    c.loaded = false;     // history read back from the stand-in
    c.loading = false;    // LINE shows the loading animation in this chat
    c.menu = null;        // the rich menu LINE shows this person, as /api/richmenu answers
    c.mode = null;        // "menu" or "keyboard", chosen the first time the menu is known
    c.menuOpen = true;
  });
  var byUserId = {};
  config.people.forEach(function (p) { byUserId[p.id] = p.key; });
  var current = null;
  var inFlight = {};
  var tick = 0;
  var backgroundIndex = 0;

  function label(key, values) {
    var text = Object.prototype.hasOwnProperty.call(L, key) ? L[key] : key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  function personName(key) {
    for (var i = 0; i < config.people.length; i++) {
      if (config.people[i].key === key) return config.people[i].name;
    }
    return key;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // ---------------------------------------------------------------- switching chats

  function switchTo(key) {
    if (!chats[key]) return;
    current = key;
    var chat = chats[key];
    chat.unread = 0;
    document.querySelectorAll(".sim-chat").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.chat === key ? "true" : "false");
      if (button.dataset.chat === key && button.scrollIntoView) button.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
    $("chat-select").value = key;
    updateBadges();
    $("chat-name").textContent = chat.name;
    $("speaker").hidden = !chat.isGroup;
    if (chat.isGroup && chat.speaker) $("speaker-select").value = chat.speaker;
    document.querySelectorAll(".life.one").forEach(function (b) { b.hidden = chat.isGroup; });
    document.querySelectorAll(".life.many").forEach(function (b) { b.hidden = !chat.isGroup; });
    closePicker();
    renderLog();
    renderMenu();
    if (history.replaceState) history.replaceState(null, "", "#" + encodeURIComponent(key));
    poll(key);
    fetchMenu(key);
  }

  function updateBadges() {
    document.querySelectorAll(".sim-chat").forEach(function (button) {
      var chat = chats[button.dataset.chat];
      var badge = button.querySelector(".sim-badge");
      if (chat && chat.unread > 0) {
        if (!badge) {
          badge = el("span", "sim-badge");
          button.querySelector(".sim-avatar").appendChild(badge);
        }
        badge.textContent = chat.unread > 9 ? "9+" : String(chat.unread);
      } else if (badge) {
        badge.remove();
      }
    });
    Array.prototype.forEach.call($("chat-select").options, function (option) {
      var chat = chats[option.value];
      if (!option.dataset.name) option.dataset.name = option.textContent;
      option.textContent = option.dataset.name + (chat && chat.unread > 0 ? " (" + chat.unread + ")" : "");
    });
  }

  // ---------------------------------------------------------------- the log

  function renderLog() {
    var chat = chats[current];
    logEl.textContent = "";
    if (!chat.entries.length) {
      logEl.appendChild(el("div", "empty", chat.isGroup ? L.emptyGroup : L.emptyOneToOne));
    }
    chat.entries.forEach(function (entry) { logEl.appendChild(renderEntry(entry, chat)); });
    typingEl = null;
    renderTyping();
    renderQuick();
    scrollDown();
  }

  /* LINE's loading animation: the bot's avatar and moving dots, last in the chat, while
   * the bot has asked for it and no answer has come. */
  function renderTyping() {
    var chat = chats[current];
    var show = !!(chat && chat.loading);
    if (show && !typingEl) {
      typingEl = el("div", "row bot typing-row");
      typingEl.setAttribute("role", "status");
      typingEl.setAttribute("aria-label", L.typing);
      typingEl.title = L.typing;
      typingEl.appendChild(el("div", "bot-avatar", "K"));
      var dots = el("div", "bubble typing-dots");
      for (var i = 0; i < 3; i++) dots.appendChild(el("span", "dot"));
      typingEl.appendChild(dots);
      logEl.appendChild(typingEl);
      scrollDown();
    } else if (!show && typingEl) {
      typingEl.remove();
      typingEl = null;
    } else if (show && typingEl !== logEl.lastChild) {
      logEl.appendChild(typingEl);
    }
  }

  function scrollDown() {
    logEl.scrollTop = logEl.scrollHeight;
  }

  function addEntry(key, entry) {
    var chat = chats[key];
    entry.at = entry.at || Date.now();
    chat.entries.push(entry);
    if (entry.type === "user") chat.quick = null;
    if (key === current) {
      var empty = logEl.querySelector(".empty");
      if (empty) empty.remove();
      logEl.appendChild(renderEntry(entry, chat));
      if (typingEl) logEl.appendChild(typingEl);
      scrollDown();
    } else if (entry.type === "bot") {
      chat.unread += 1;
      updateBadges();
    }
  }

  function addSystem(key, text, isError) {
    addEntry(key, { type: "system", text: text, error: !!isError });
  }

  function timeOf(at) {
    var date = new Date(at);
    if (isNaN(date.getTime())) return "";
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  function renderEntry(entry, chat) {
    if (entry.type === "system") {
      return el("div", "system" + (entry.error ? " error" : ""), entry.text);
    }
    var row = el("div", "row " + entry.type);
    var stack = el("div", "stack");
    if (entry.type === "bot") {
      row.appendChild(el("div", "bot-avatar", "K"));
      if (chat.isGroup) stack.appendChild(el("div", "who", L.botName));
      stack.appendChild(safeRender(entry.message));
    } else {
      if (chat.isGroup) stack.appendChild(el("div", "who", personName(entry.speaker)));
      stack.appendChild(renderUserContent(entry.content));
    }
    var meta = el("div", "meta", timeOf(entry.at));
    if (entry.push) meta.appendChild(el("span", "tag", L.push));
    stack.appendChild(meta);
    if (entry.type === "bot") {
      var raw = el("details", "raw");
      raw.appendChild(el("summary", null, "{ }"));
      raw.appendChild(el("pre", null, JSON.stringify(entry.message, null, 2)));
      stack.appendChild(raw);
    }
    row.appendChild(stack);
    return row;
  }

  function renderUserContent(content) {
    if (content.kind === "sticker") return sticker(content.packageId, content.stickerId);
    if (content.kind === "image") {
      var picture = el("div", "picture");
      picture.appendChild(el("div", "missing", "\u25A3 " + L.imageSent));
      return picture;
    }
    if (content.kind === "location") return place(content);
    return el("div", "bubble", content.text);
  }

  function sticker(packageId, stickerId) {
    var box = el("div", "sticker", "\u263A");
    box.appendChild(el("small", null, L.stickerSent + " " + (packageId || "?") + "/" + (stickerId || "?")));
    return box;
  }

  function place(info) {
    var card = el("div", "bubble place");
    card.appendChild(el("div", "place-map", "\u25C9"));
    var text = el("div", "place-text");
    if (info.title) text.appendChild(el("div", "place-title", info.title));
    if (info.address) text.appendChild(el("div", null, info.address));
    text.appendChild(el("div", "place-coords", Number(info.latitude).toFixed(4) + ", " + Number(info.longitude).toFixed(4)));
    card.appendChild(text);
    return card;
  }

  function unsupported(type) {
    return el("div", "unsupported", label("unsupported", { type: type === undefined ? "?" : type }));
  }

  // ---------------------------------------------------------------- bot messages

  function safeRender(message) {
    try {
      return renderMessage(message);
    } catch (error) {
      return unsupported(isObject(message) ? message.type : typeof message);
    }
  }

  function renderMessage(message) {
    if (!isObject(message)) return unsupported(typeof message);
    switch (message.type) {
      case "text":
        return el("div", "bubble", message.text);
      case "textV2":
        return el("div", "bubble", substitute(message));
      case "sticker":
        return sticker(message.packageId, message.stickerId);
      case "image":
        return picture(message.previewImageUrl || message.originalContentUrl, message.originalContentUrl, L.imageSent);
      case "video":
        return picture(message.previewImageUrl, message.originalContentUrl, "\u25B6 " + L.video);
      case "audio":
        return el("div", "bubble", "\u266A " + L.audio + (message.duration ? " " + Math.round(message.duration / 1000) + "s" : ""));
      case "location":
        return place(message);
      case "flex":
        return renderFlexContainer(message.contents);
      case "template":
        return renderTemplate(message.template);
      default:
        return unsupported(message.type);
    }
  }

  function substitute(message) {
    var subs = isObject(message.substitution) ? message.substitution : {};
    return String(message.text || "").replace(/\{([A-Za-z0-9_]+)\}/g, function (whole, key) {
      var sub = subs[key];
      if (!isObject(sub)) return whole;
      if (sub.type === "mention") return "@" + (isObject(sub.mentionee) && sub.mentionee.type === "all" ? "All" : key);
      return "\u263A";
    });
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function picture(src, original, alt) {
    var box = el("div", "picture");
    var url = safeUrl(src);
    if (!url) {
      box.appendChild(el("div", "missing", alt));
      return box;
    }
    var img = el("img");
    img.alt = alt;
    img.loading = "lazy";
    img.addEventListener("error", function () {
      img.replaceWith(el("div", "missing", alt + " \u2014 " + L.imageUnavailable));
    });
    /* A photo takes its height only once loaded, after the log was scrolled to its end: a log
     * that was at its end before the photo grew goes to the end again, so the photo is in view. */
    img.addEventListener("load", function () {
      if (!logEl.contains(img)) return;
      if (logEl.scrollHeight - img.offsetHeight - logEl.scrollTop - logEl.clientHeight < 40) scrollDown();
    });
    img.src = url;
    var link = safeUrl(original);
    if (link) {
      img.classList.add("fx-tappable");
      img.addEventListener("click", function () { window.open(link, "_blank", "noopener"); });
    }
    box.appendChild(img);
    return box;
  }

  // ---------------------------------------------------------------- Flex messages

  var SPACING = { none: "0px", xs: "2px", sm: "4px", md: "8px", lg: "12px", xl: "16px", xxl: "20px" };
  var TEXT_SIZE = {
    xxs: "11px", xs: "13px", sm: "14px", md: "16px", lg: "19px", xl: "22px", xxl: "29px",
    "3xl": "35px", "4xl": "48px", "5xl": "74px"
  };
  var IMAGE_SIZE = {
    xxs: "40px", xs: "60px", sm: "80px", md: "100px", lg: "120px", xl: "140px", xxl: "160px",
    "3xl": "180px", "4xl": "200px", "5xl": "240px", full: "100%"
  };
  var BORDER = { none: "0px", light: "0.5px", normal: "1px", medium: "2px", "semi-bold": "3px", bold: "4px" };
  var BUBBLE_WIDTH = {
    nano: "120px", micro: "160px", deca: "220px", hecto: "241px", kilo: "260px", mega: "300px", giga: "386px"
  };
  var BLOCK_PADDING = { header: "20px", hero: "0px", body: "20px", footer: "10px" };
  var ALIGN = { start: "flex-start", center: "center", end: "flex-end" };
  var GRAVITY = { top: "flex-start", center: "center", bottom: "flex-end" };
  var JUSTIFY = {
    "flex-start": "flex-start", center: "center", "flex-end": "flex-end",
    "space-between": "space-between", "space-around": "space-around", "space-evenly": "space-evenly"
  };

  function length(value, table) {
    if (value === undefined || value === null) return null;
    if (table && Object.prototype.hasOwnProperty.call(table, value)) return table[value];
    if (typeof value === "string" && /^-?\d+(\.\d+)?(px|%)$/.test(value)) return value;
    return null;
  }

  function color(value) {
    return typeof value === "string" && /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(value) ? value : null;
  }

  function setIf(style, property, value) {
    if (value !== null && value !== undefined) style[property] = value;
  }

  function tappable(node, action) {
    if (!isObject(action)) return;
    node.classList.add("fx-tappable");
    node.setAttribute("role", "button");
    node.tabIndex = 0;
    node.addEventListener("click", function (event) {
      event.stopPropagation();
      doAction(action);
    });
  }

  function renderFlexContainer(contents) {
    if (!isObject(contents)) return unsupported("flex");
    if (contents.type === "bubble") return renderBubble(contents);
    if (contents.type === "carousel") {
      var row = el("div", "flex-carousel");
      (Array.isArray(contents.contents) ? contents.contents : []).forEach(function (bubble) {
        row.appendChild(isObject(bubble) && bubble.type === "bubble" ? renderBubble(bubble) : unsupported(isObject(bubble) ? bubble.type : "bubble"));
      });
      return row;
    }
    return unsupported(contents.type);
  }

  function renderBubble(bubble) {
    var card = el("div", "fx-bubble");
    setIf(card.style, "width", BUBBLE_WIDTH[bubble.size] || null);
    if (bubble.direction === "rtl") card.dir = "rtl";
    var styles = isObject(bubble.styles) ? bubble.styles : {};
    var first = true;
    ["header", "hero", "body", "footer"].forEach(function (name) {
      var part = bubble[name];
      if (!isObject(part)) return;
      var block = el("div", "fx-block fx-" + name);
      var blockStyle = isObject(styles[name]) ? styles[name] : {};
      setIf(block.style, "backgroundColor", color(blockStyle.backgroundColor));
      if (blockStyle.separator && !first) {
        block.classList.add("fx-block-sep");
        setIf(block.style, "borderTopColor", color(blockStyle.separatorColor));
      }
      var content = renderComponent(part, "vertical", 0, null);
      if (part.type === "box") {
        if (!hasPadding(part)) content.style.padding = BLOCK_PADDING[name];
        content.style.flex = "1 1 auto";
      } else if (name !== "hero") {
        block.style.padding = BLOCK_PADDING[name];
      }
      block.appendChild(content);
      card.appendChild(block);
      first = false;
    });
    tappable(card, bubble.action);
    return card;
  }

  function hasPadding(box) {
    return ["paddingAll", "paddingTop", "paddingBottom", "paddingStart", "paddingEnd"].some(function (key) {
      return box[key] !== undefined;
    });
  }

  function renderComponent(component, parentLayout, index, spacing) {
    var node;
    if (!isObject(component)) return unsupported(typeof component);
    switch (component.type) {
      case "box": node = renderBox(component); break;
      case "text": node = renderText(component, parentLayout); break;
      case "button": node = renderButton(component, parentLayout); break;
      case "image": node = renderImage(component, parentLayout); break;
      case "icon": node = renderIcon(component); break;
      case "separator": node = renderSeparator(component, parentLayout); break;
      case "filler": node = el("div", "fx-filler"); break;
      case "spacer":
        node = el("div", "fx-spacer");
        node.style.flex = "0 0 " + (SPACING[component.size] || "4px");
        break;
      case "video":
        node = isObject(component.altContent) ? renderComponent(component.altContent, parentLayout, 0, null)
          : unsupported("video");
        break;
      default:
        return unsupported(component.type);
    }
    placeInParent(node, component, parentLayout, index, spacing);
    return node;
  }

  /* What the parent box decides about a child: its share of the space, its distance
     from the previous child, and its position. */
  function placeInParent(node, component, parentLayout, index, spacing) {
    var style = node.style;
    var horizontal = parentLayout === "horizontal" || parentLayout === "baseline";
    var type = component.type;
    if (type === "filler") {
      style.flex = (typeof component.flex === "number" ? component.flex : 1) + " 0 0";
    } else if (type !== "separator" && type !== "icon" && type !== "spacer") {
      var grow = typeof component.flex === "number" ? component.flex : (horizontal ? 1 : 0);
      if (grow > 0) style.flex = grow + (horizontal ? " 0 0" : " 0 auto");
      else if (!style.flex) style.flex = "0 0 auto";
    }
    var gap = length(component.margin, SPACING);
    if (gap === null && index > 0) gap = spacing;
    if (gap) {
      if (horizontal) style.marginInlineStart = gap;
      else style.marginTop = gap;
    }
    if (component.position === "absolute") style.position = "absolute";
    if (component.position === "absolute" || component.position === "relative") {
      setIf(style, "top", length(component.offsetTop, SPACING));
      setIf(style, "bottom", length(component.offsetBottom, SPACING));
      setIf(style, "insetInlineStart", length(component.offsetStart, SPACING));
      setIf(style, "insetInlineEnd", length(component.offsetEnd, SPACING));
    }
    if (horizontal && GRAVITY[component.gravity] && type !== "box") style.alignSelf = GRAVITY[component.gravity];
  }

  function renderBox(box) {
    var layout = ["vertical", "horizontal", "baseline"].indexOf(box.layout) >= 0 ? box.layout : "vertical";
    var node = el("div", "fx-box fx-" + layout);
    var style = node.style;
    var spacing = length(box.spacing, SPACING);
    (Array.isArray(box.contents) ? box.contents : []).forEach(function (child, i) {
      node.appendChild(renderComponent(child, layout, i, spacing));
    });
    setIf(style, "backgroundColor", color(box.backgroundColor));
    var border = length(box.borderWidth, BORDER);
    if (border || box.borderColor) {
      style.borderStyle = "solid";
      style.borderWidth = border || "1px";
      style.borderColor = color(box.borderColor) || "#000";
    }
    setIf(style, "borderRadius", length(box.cornerRadius, SPACING));
    if (style.borderRadius) style.overflow = "hidden";
    setIf(style, "width", length(box.width));
    setIf(style, "maxWidth", length(box.maxWidth));
    setIf(style, "height", length(box.height));
    setIf(style, "maxHeight", length(box.maxHeight));
    setIf(style, "padding", length(box.paddingAll, SPACING));
    setIf(style, "paddingTop", length(box.paddingTop, SPACING));
    setIf(style, "paddingBottom", length(box.paddingBottom, SPACING));
    setIf(style, "paddingInlineStart", length(box.paddingStart, SPACING));
    setIf(style, "paddingInlineEnd", length(box.paddingEnd, SPACING));
    setIf(style, "justifyContent", JUSTIFY[box.justifyContent] || null);
    setIf(style, "alignItems", JUSTIFY[box.alignItems] || null);
    if (isObject(box.background) && box.background.type === "linearGradient") {
      var start = color(box.background.startColor);
      var end = color(box.background.endColor);
      var angle = /^-?\d+(\.\d+)?deg$/.test(box.background.angle || "") ? box.background.angle : "0deg";
      if (start && end) style.backgroundImage = "linear-gradient(" + angle + ", " + start + ", " + end + ")";
    }
    tappable(node, box.action);
    return node;
  }

  function textStyle(node, part) {
    var style = node.style;
    setIf(style, "fontSize", length(part.size, TEXT_SIZE));
    if (part.weight === "bold") style.fontWeight = "700";
    setIf(style, "color", color(part.color));
    if (part.style === "italic") style.fontStyle = "italic";
    if (part.decoration === "underline" || part.decoration === "line-through") style.textDecoration = part.decoration;
  }

  function renderText(text, parentLayout) {
    var node = el("div", "fx-text " + (text.wrap ? "fx-wrap" : "fx-nowrap"));
    node.style.fontSize = TEXT_SIZE.md;
    node.style.color = "#111111";
    textStyle(node, text);
    if (Array.isArray(text.contents) && text.contents.length) {
      text.contents.forEach(function (span) {
        if (!isObject(span) || span.type !== "span") return;
        var piece = el("span", null, span.text);
        textStyle(piece, span);
        node.appendChild(piece);
      });
    } else {
      node.textContent = text.text === undefined ? "" : String(text.text);
    }
    setIf(node.style, "textAlign", { start: "start", center: "center", end: "end" }[text.align] || null);
    if (text.wrap && typeof text.maxLines === "number" && text.maxLines > 0) {
      node.style.display = "-webkit-box";
      node.style.webkitBoxOrient = "vertical";
      node.style.webkitLineClamp = String(text.maxLines);
      node.style.overflow = "hidden";
    }
    var lineSpacing = length(text.lineSpacing);
    if (lineSpacing) node.style.lineHeight = "calc(1.4em + " + lineSpacing + ")";
    tappable(node, text.action);
    return node;
  }

  function renderButton(button, parentLayout) {
    var kind = ["primary", "secondary", "link"].indexOf(button.style) >= 0 ? button.style : "link";
    var action = isObject(button.action) ? button.action : {};
    var node = el("button", "fx-button fx-" + kind);
    node.type = "button";
    node.appendChild(el("span", null, action.label || ""));
    node.style.height = button.height === "sm" ? "40px" : "52px";
    var tint = color(button.color);
    if (tint) {
      if (kind === "link") node.style.color = tint;
      else node.style.backgroundColor = tint;
    }
    node.addEventListener("click", function (event) {
      event.stopPropagation();
      doAction(action);
    });
    return node;
  }

  function ratio(value, fallback) {
    var match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(value || "");
    return match && Number(match[2]) > 0 ? Number(match[1]) + " / " + Number(match[2]) : fallback;
  }

  function renderImage(image, parentLayout) {
    var node = el("div", "fx-image");
    var size = length(image.size, IMAGE_SIZE) || IMAGE_SIZE.md;
    node.style.width = size;
    node.style.maxWidth = "100%";
    node.style.aspectRatio = ratio(image.aspectRatio, "1 / 1");
    setIf(node.style, "backgroundColor", color(image.backgroundColor));
    if (parentLayout === "vertical") node.style.alignSelf = ALIGN[image.align] || "center";
    var url = safeUrl(image.url);
    var missing = function () { return el("div", "missing", L.imageUnavailable); };
    if (url) {
      var img = el("img");
      img.alt = "";
      img.style.objectFit = image.aspectMode === "cover" ? "cover" : "contain";
      img.addEventListener("error", function () { img.replaceWith(missing()); });
      img.src = url;
      node.appendChild(img);
    } else {
      node.appendChild(missing());
    }
    tappable(node, image.action);
    return node;
  }

  function renderIcon(icon) {
    var node = el("img", "fx-icon");
    var height = length(icon.size, TEXT_SIZE) || TEXT_SIZE.md;
    node.alt = "";
    node.style.height = height;
    var parts = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(icon.aspectRatio || "");
    node.style.width = parts ? "calc(" + height + " * " + Number(parts[1]) / Number(parts[2]) + ")" : height;
    node.addEventListener("error", function () { node.style.visibility = "hidden"; });
    var url = safeUrl(icon.url);
    if (url) node.src = url;
    else node.style.visibility = "hidden";
    return node;
  }

  function renderSeparator(separator, parentLayout) {
    var node = el("div", "fx-separator");
    if (parentLayout === "horizontal" || parentLayout === "baseline") {
      node.style.width = "1px";
      node.style.alignSelf = "stretch";
    } else {
      node.style.height = "1px";
    }
    setIf(node.style, "backgroundColor", color(separator.color));
    return node;
  }

  // ---------------------------------------------------------------- templates

  function renderTemplate(template) {
    if (!isObject(template)) return unsupported("template");
    switch (template.type) {
      case "buttons": return templateCard(template, template.actions, false);
      case "confirm": return templateCard(template, template.actions, true);
      case "carousel": return templateRow(template.columns, function (column) {
        return templateCard(column, column.actions, false);
      });
      case "image_carousel": return templateRow(template.columns, function (column) {
        var card = el("div", "fx-bubble");
        card.style.width = "200px";
        card.appendChild(templateThumb(column.imageUrl, "1 / 1"));
        tappable(card, column.action);
        if (isObject(column.action) && column.action.label) {
          var caption = el("div", "tpl-text", column.action.label);
          card.appendChild(caption);
        }
        return card;
      });
      default: return unsupported("template/" + template.type);
    }
  }

  function templateRow(columns, build) {
    var row = el("div", "flex-carousel");
    (Array.isArray(columns) ? columns : []).forEach(function (column) {
      row.appendChild(isObject(column) ? build(column) : unsupported("column"));
    });
    return row;
  }

  function templateThumb(url, aspect) {
    var thumb = el("div", "tpl-thumb");
    thumb.style.aspectRatio = aspect;
    var safe = safeUrl(url);
    if (safe) {
      var img = el("img");
      img.alt = "";
      img.addEventListener("error", function () { img.replaceWith(el("div", "missing", L.imageUnavailable)); });
      img.src = safe;
      thumb.appendChild(img);
    } else {
      thumb.appendChild(el("div", "missing", L.imageUnavailable));
    }
    return thumb;
  }

  function templateCard(card, actions, confirm) {
    var node = el("div", "fx-bubble");
    node.style.width = "260px";
    if (card.thumbnailImageUrl) {
      node.appendChild(templateThumb(card.thumbnailImageUrl, card.imageAspectRatio === "square" ? "1 / 1" : "1.51 / 1"));
    }
    if (card.title) node.appendChild(el("div", "tpl-title", card.title));
    node.appendChild(el("div", "tpl-text", card.text));
    var list = el("div", "tpl-actions" + (confirm ? " tpl-confirm" : ""));
    (Array.isArray(actions) ? actions : []).forEach(function (action) {
      if (!isObject(action)) return;
      var button = el("button", null, action.label || "");
      button.type = "button";
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        doAction(action);
      });
      list.appendChild(button);
    });
    node.appendChild(list);
    tappable(node, card.defaultAction);
    return node;
  }

  // ---------------------------------------------------------------- quick replies

  function renderQuick() {
    keepingBottom(drawQuick);
  }

  function drawQuick() {
    quickEl.textContent = "";
    var chat = chats[current];
    if (!chat || !Array.isArray(chat.quick)) return;
    chat.quick.forEach(function (item) {
      if (!isObject(item) || !isObject(item.action)) return;
      var chip = el("button", "chip");
      chip.type = "button";
      var icon = safeUrl(item.imageUrl);
      if (icon) {
        var img = el("img");
        img.alt = "";
        img.addEventListener("error", function () { img.remove(); });
        img.src = icon;
        chip.appendChild(img);
      }
      chip.appendChild(document.createTextNode(item.action.label || item.action.type || ""));
      chip.addEventListener("click", function () { doAction(item.action); });
      quickEl.appendChild(chip);
    });
  }

  // ---------------------------------------------------------------- actions

  function doAction(action) {
    if (!isObject(action)) return;
    switch (action.type) {
      case "postback": {
        var shown = action.displayText || action.text;
        if (action.inputOption === "openKeyboard") {
          if (typeof action.fillInText === "string") textEl.value = action.fillInText;
          textEl.focus();
        }
        sendEvent("postback", { data: action.data }, shown ? userText(shown) : null);
        return;
      }
      case "message":
        if (typeof action.text === "string" && action.text.trim()) sendEvent("text", { text: action.text }, userText(action.text));
        return;
      case "uri": {
        var uri = safeUrl(action.uri);
        if (uri) window.open(uri, "_blank", "noopener");
        else addSystem(current, label("wouldOpen", { uri: String(action.uri) }));
        return;
      }
      case "datetimepicker":
        openPicker(action);
        return;
      case "camera":
      case "cameraRoll":
        sendImage();
        return;
      case "location":
        sendLocation();
        return;
      case "richmenuswitch":
        sendEvent("postback", {
          data: action.data,
          params: { newRichMenuAliasId: String(action.richMenuAliasId || ""), status: "SUCCESS" }
        }, null);
        return;
      case "clipboard":
        if (navigator.clipboard && typeof action.clipboardText === "string") {
          navigator.clipboard.writeText(action.clipboardText).catch(function () {});
        }
        addSystem(current, label("copied", { text: String(action.clipboardText || "") }));
        return;
      default:
        addSystem(current, label("unknownAction", { type: String(action.type) }));
    }
  }

  var pickerAction = null;

  function openPicker(action) {
    var mode = ["date", "time", "datetime"].indexOf(action.mode) >= 0 ? action.mode : "datetime";
    var input = $("picker-input");
    input.type = mode === "datetime" ? "datetime-local" : mode;
    input.min = action.min || "";
    input.max = action.max || "";
    input.value = action.initial || "";
    $("picker-label").textContent = (action.label ? action.label + " \u2014 " : "") +
      L[mode === "date" ? "pickDate" : mode === "time" ? "pickTime" : "pickDatetime"];
    pickerAction = { data: action.data, mode: mode };
    $("picker").hidden = false;
    input.focus();
  }

  function closePicker() {
    pickerAction = null;
    $("picker").hidden = true;
  }

  function choosePicked() {
    var value = $("picker-input").value;
    if (!pickerAction || !value) return;
    var params = {};
    params[pickerAction.mode] = value;
    var data = pickerAction.data;
    closePicker();
    sendEvent("postback", { data: data, params: params }, null);
  }

  function userText(text) {
    return { type: "user", content: { kind: "text", text: String(text) } };
  }

  function sendImage() {
    sendEvent("image", {}, { type: "user", content: { kind: "image" } });
  }

  function sendLocation() {
    var params = {
      latitude: config.demoLocation.latitude,
      longitude: config.demoLocation.longitude,
      title: L.locationTitle,
      address: L.locationAddress
    };
    sendEvent("location", { params: params }, { type: "user", content: Object.assign({ kind: "location" }, params) });
  }

  function sendSticker() {
    var params = config.demoSticker;
    sendEvent("sticker", { params: params }, {
      type: "user", content: { kind: "sticker", packageId: params.packageId, stickerId: params.stickerId }
    });
  }

  /* Ask the server for a signed event, then post it to /callback as LINE would. */
  function sendEvent(kind, fields, echo) {
    var key = current;
    var chat = chats[key];
    var request = {
      as: chat.isGroup ? chat.speaker : chat.key,
      group: chat.isGroup ? chat.groupKey : null,
      kind: kind
    };
    Object.keys(fields || {}).forEach(function (name) { request[name] = fields[name]; });
    if (echo) {
      if (echo.type === "user") echo.speaker = request.as;
      if (echo.type === "user" && echo.content.kind === "text") request.shown = echo.content.text;
      addEntry(key, echo);
    }
    chat.quick = null;
    if (key === current) renderQuick();
    fetch(config.urls.events, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) throw new Error(answer.error || "HTTP " + response.status);
        return fetch(config.urls.callback, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Line-Signature": answer.signature },
          body: answer.body
        });
      });
    }).then(function (response) {
      if (response.status !== 200) {
        addSystem(key, label("callbackFailed", { status: response.status }), true);
        return;
      }
      [300, 900, 1800].forEach(function (ms) { setTimeout(function () { poll(key); }, ms); });
    }).catch(function (error) {
      addSystem(key, label("sendFailed", { error: error.message }), true);
    });
  }

  // ---------------------------------------------------------------- receiving

  function poll(key) {
    var chat = chats[key];
    if (!chat || inFlight[key]) return;
    if (!chat.loaded) {
      loadHistory(key);
      return;
    }
    inFlight[key] = true;
    var query = "?to=" + encodeURIComponent(chat.id) + "&after=" + encodeURIComponent(chat.after);
    fetch(config.urls.sent + query, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (answer) {
      if (key === current) $("banner").hidden = true;
      receive(key, Array.isArray(answer.items) ? answer.items : []);
      setLoading(key, answer.loading === true);
    }).catch(function () {
      if (key === current) {
        $("banner").textContent = L.standinDown;
        $("banner").hidden = false;
      }
    }).then(function () {
      inFlight[key] = false;
    });
  }

  function setLoading(key, loading) {
    var chat = chats[key];
    if (chat.loading === loading) return;
    chat.loading = loading;
    if (key === current) renderTyping();
  }

  /* The chat as LINE keeps it, read back once per page load: the person's events and the
   * bot's messages, in the order the stand-in numbered them. */
  function loadHistory(key) {
    var chat = chats[key];
    inFlight[key] = true;
    fetch(config.urls.history + "?to=" + encodeURIComponent(chat.id), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (answer) {
        if (key === current) $("banner").hidden = true;
        var restored = [];
        var quick = null;
        (Array.isArray(answer.items) ? answer.items : []).forEach(function (item) {
          if (!isObject(item) || typeof item.seq !== "number") return;
          chat.after = Math.max(chat.after, item.seq);
          if (item.kind === "event") {
            var entry = entryOfEvent(item);
            if (entry) {
              restored.push(entry);
              if (entry.type === "user") quick = null;
            }
            return;
          }
          (Array.isArray(item.messages) ? item.messages : []).forEach(function (message) {
            restored.push({ type: "bot", message: message, push: item.kind === "push", at: item.at });
            quick = isObject(message) && isObject(message.quickReply) && Array.isArray(message.quickReply.items)
              ? message.quickReply.items : null;
          });
        });
        chat.entries = restored.concat(chat.entries);
        chat.quick = chat.quick || quick;
        chat.loaded = true;
        if (key === current) renderLog();
      }).catch(function () {
        if (key === current) {
          $("banner").textContent = L.standinDown;
          $("banner").hidden = false;
        }
      }).then(function () {
        inFlight[key] = false;
      });
  }

  function entryOfEvent(item) {
    var event = isObject(item.event) ? item.event : {};
    var source = isObject(event.source) ? event.source : {};
    var speaker = byUserId[source.userId] || null;
    var said = { follow: "followed", unfollow: "unfollowed", join: "joined", leave: "left" }[event.type];
    if (said) return { type: "system", text: L[said], at: item.at };
    if (event.type === "postback") {
      return item.shown ? { type: "user", speaker: speaker, at: item.at, content: { kind: "text", text: item.shown } } : null;
    }
    if (event.type !== "message" || !isObject(event.message)) return null;
    var m = event.message;
    var content;
    if (m.type === "text") content = { kind: "text", text: m.text };
    else if (m.type === "sticker") content = { kind: "sticker", packageId: m.packageId, stickerId: m.stickerId };
    else if (m.type === "image") content = { kind: "image" };
    else if (m.type === "location") {
      content = { kind: "location", title: m.title, address: m.address, latitude: m.latitude, longitude: m.longitude };
    } else return null;
    return { type: "user", speaker: speaker, at: item.at, content: content };
  }

  // ---------------------------------------------------------------- the rich menu

  /* Ask which rich menu LINE shows this person now (a role granted in the chat changes it). */
  function fetchMenu(key) {
    var chat = chats[key];
    if (!chat || chat.isGroup) return;
    fetch(config.urls.richmenu + "?to=" + encodeURIComponent(chat.id), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (answer) {
        var menu = isObject(answer.richMenu) ? answer.richMenu : null;
        var before = chat.menu ? chat.menu.richMenuId : null;
        chat.menu = menu;
        if (chat.mode === null && menu) chat.mode = menu.selected ? "menu" : "keyboard";
        if (key === current && (menu ? menu.richMenuId : null) !== before) renderMenu();
      }).catch(function () { /* the banner already says when the stand-in is away */ });
  }

  /* The menu, the keyboard and quick replies change the log's height: a log that was at
   * its last message stays there, as in LINE. */
  function keepingBottom(change) {
    var atBottom = logEl.scrollHeight - logEl.scrollTop - logEl.clientHeight < 40;
    change();
    if (atBottom) scrollDown();
  }

  function renderMenu() {
    keepingBottom(drawMenu);
  }

  function drawMenu() {
    var chat = chats[current];
    var menu = chat && !chat.isGroup ? chat.menu : null;
    var mode = menu ? (chat.mode || "menu") : "keyboard";
    $("to-menu").hidden = !menu;
    $("menu-bar").hidden = mode !== "menu";
    $("composer").hidden = mode === "menu";
    menuEl.hidden = mode !== "menu" || !chat.menuOpen;
    menuEl.textContent = "";
    if (!menu) return;
    $("menu-chat-bar-text").textContent = menu.chatBarText || L.menuClosed;
    $("menu-chat-bar").setAttribute("aria-expanded", chat.menuOpen ? "true" : "false");
    menuEl.classList.toggle("closed", !chat.menuOpen);
    var width = Number(menu.size && menu.size.width) || 2500;
    var height = Number(menu.size && menu.size.height) || 1686;
    var frame = el("div", "richmenu-frame");
    frame.style.aspectRatio = width + " / " + height;
    if (menu.image) {
      var img = el("img", "richmenu-image");
      img.alt = "";
      img.src = menu.image;
      frame.appendChild(img);
    }
    (Array.isArray(menu.areas) ? menu.areas : []).forEach(function (area) {
      if (!isObject(area) || !isObject(area.bounds) || !isObject(area.action)) return;
      frame.appendChild(menuArea(area, width, height));
    });
    menuEl.appendChild(frame);
  }

  /* One tappable area, placed over the picture where its bounds are, in per cent of the
   * menu's size so it scales with the width the menu is shown at. */
  function menuArea(area, width, height) {
    var b = area.bounds;
    var action = area.action;
    var button = el("button", "richmenu-area");
    button.type = "button";
    button.style.left = (100 * b.x / width) + "%";
    button.style.top = (100 * b.y / height) + "%";
    button.style.width = (100 * b.width / width) + "%";
    button.style.height = (100 * b.height / height) + "%";
    var name = action.label || action.displayText || action.text || action.type;
    button.setAttribute("aria-label", name);
    button.title = name;
    button.dataset.action = action.type;
    button.addEventListener("click", function () { doAction(action); });
    return button;
  }

  function setMode(mode) {
    var chat = chats[current];
    if (!chat) return;
    chat.mode = mode;
    if (mode === "menu") chat.menuOpen = true;
    renderMenu();
    if (mode === "keyboard") textEl.focus();
  }

  function receive(key, items) {
    var chat = chats[key];
    var last = null;
    items.slice().sort(function (a, b) { return a.seq - b.seq; }).forEach(function (item) {
      if (!isObject(item) || typeof item.seq !== "number" || item.seq <= chat.after) return;
      chat.after = item.seq;
      (Array.isArray(item.messages) ? item.messages : []).forEach(function (message) {
        addEntry(key, { type: "bot", message: message, push: item.kind === "push", at: item.at });
        last = message;
      });
    });
    if (last !== null) {
      chat.loading = false;  // LINE ends the animation when a message arrives
      if (key === current) renderTyping();
      fetchMenu(key);
      var quick = isObject(last) && isObject(last.quickReply) && Array.isArray(last.quickReply.items)
        ? last.quickReply.items : null;
      chat.quick = quick;
      if (key === current) {
        renderQuick();
        scrollDown();
      }
    }
  }

  function everyTick() {
    if (document.hidden || !current) return;
    poll(current);
    tick += 1;
    if (tick % BACKGROUND_EVERY === 0 && order.length > 1) {
      backgroundIndex = (backgroundIndex + 1) % order.length;
      if (order[backgroundIndex] !== current) poll(order[backgroundIndex]);
    }
  }

  // ---------------------------------------------------------------- wiring

  document.querySelectorAll(".sim-chat").forEach(function (button) {
    button.addEventListener("click", function () { switchTo(button.dataset.chat); });
  });
  $("chat-select").addEventListener("change", function (event) { switchTo(event.target.value); });
  $("to-menu").addEventListener("click", function () { setMode("menu"); });
  $("to-keyboard").addEventListener("click", function () { setMode("keyboard"); });
  $("menu-chat-bar").addEventListener("click", function () {
    var chat = chats[current];
    if (!chat) return;
    chat.menuOpen = !chat.menuOpen;
    renderMenu();
  });
  document.querySelectorAll(".sim-lang a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      location.href = link.getAttribute("href") + location.hash;  // the same chat, in the other language
    });
  });
  $("speaker-select").addEventListener("change", function (event) {
    if (chats[current]) chats[current].speaker = event.target.value;
  });
  document.querySelectorAll(".life").forEach(function (button) {
    var kind = button.dataset.kind;
    var said = { follow: "followed", unfollow: "unfollowed", join: "joined", leave: "left" }[kind];
    button.addEventListener("click", function () {
      sendEvent(kind, {}, { type: "system", text: L[said] });
    });
  });
  document.querySelector('.extras [data-kind="sticker"]').addEventListener("click", sendSticker);
  document.querySelector('.extras [data-kind="image"]').addEventListener("click", sendImage);
  document.querySelector('.extras [data-kind="location"]').addEventListener("click", sendLocation);
  $("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var words = textEl.value;
    if (!words.trim() || !current) return;
    textEl.value = "";
    sendEvent("text", { text: words }, userText(words));
  });
  $("picker-ok").addEventListener("click", choosePicked);
  $("picker-cancel").addEventListener("click", closePicker);
  $("raw-toggle").addEventListener("change", function (event) {
    logEl.classList.toggle("show-raw", event.target.checked);
  });
  $("clear").addEventListener("click", function () {
    if (!current) return;
    chats[current].entries = [];
    chats[current].quick = null;
    renderLog();
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && current) poll(current);
  });

  var wanted = decodeURIComponent((location.hash || "").slice(1));
  switchTo(chats[wanted] ? wanted : order[0]);
  setInterval(everyTick, POLL_MS);
})();
