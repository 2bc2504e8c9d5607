var oi=!!"".isWellFormed;var y=Math.fround;var xi=64*1024;function Xe(e,t){for(let n of t)e.kinds.set(n.kind,(e.kinds.get(n.kind)??0)+1)}var C=Uint8Array,q=Uint16Array,rn=Int32Array,_e=new C([0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,0,0,0,0]),Je=new C([0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13,0,0]),an=new C([16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1,15]),Qe=function(e,t){for(var n=new q(31),r=0;r<31;++r)n[r]=t+=1<<e[r-1];for(var i=new rn(n[30]),r=1;r<30;++r)for(var a=n[r];a<n[r+1];++a)i[a]=a-n[r]<<5|r;return{b:n,r:i}},et=Qe(_e,2),tt=et.b,on=et.r;tt[28]=258,on[258]=28;var nt=Qe(Je,0),sn=nt.b,bi=nt.r,we=new q(32768);for(p=0;p<32768;++p)M=(p&43690)>>1|(p&21845)<<1,M=(M&52428)>>2|(M&13107)<<2,M=(M&61680)>>4|(M&3855)<<4,we[p]=((M&65280)>>8|(M&255)<<8)>>1;var M,p,X=(function(e,t,n){for(var r=e.length,i=0,a=new q(t);i<r;++i)e[i]&&++a[e[i]-1];var o=new q(t);for(i=1;i<t;++i)o[i]=o[i-1]+a[i-1]<<1;var s;if(n){s=new q(1<<t);var l=15-t;for(i=0;i<r;++i)if(e[i])for(var u=i<<4|e[i],c=t-e[i],f=o[e[i]-1]++<<c,d=f|(1<<c)-1;f<=d;++f)s[we[f]>>l]=u}else for(s=new q(r),i=0;i<r;++i)e[i]&&(s[i]=we[o[e[i]-1]++]>>15-e[i]);return s}),_=new C(288);for(p=0;p<144;++p)_[p]=8;var p;for(p=144;p<256;++p)_[p]=9;var p;for(p=256;p<280;++p)_[p]=7;var p;for(p=280;p<288;++p)_[p]=8;var p,rt=new C(32);for(p=0;p<32;++p)rt[p]=5;var p;var ln=X(_,9,1);var un=X(rt,5,1),be=function(e){for(var t=e[0],n=1;n<e.length;++n)e[n]>t&&(t=e[n]);return t},T=function(e,t,n){var r=t/8|0;return(e[r]|e[r+1]<<8)>>(t&7)&n},ye=function(e,t){var n=t/8|0;return(e[n]|e[n+1]<<8|e[n+2]<<16)>>(t&7)},fn=function(e){return(e+7)/8|0},ne=function(e,t,n){return(t==null||t<0)&&(t=0),(n==null||n>e.length)&&(n=e.length),new C(e.subarray(t,n))};var cn=["unexpected EOF","invalid block type","invalid length/literal","invalid distance","stream finished","no stream handler",,"no callback","invalid UTF-8 data","extra field too long","date not in range 1980-2099","filename too long","stream finishing","invalid zip data"],k=function(e,t,n){var r=new Error(t||cn[e]);if(r.code=e,Error.captureStackTrace&&Error.captureStackTrace(r,k),!n)throw r;return r},dn=function(e,t,n,r){var i=e.length,a=r?r.length:0;if(!i||t.f&&!t.l)return n||new C(0);var o=!n,s=o||t.i!=2,l=t.i;o&&(n=new C(i*3));var u=function(Ge){var Ve=n.length;if(Ge>Ve){var Ye=new C(Math.max(Ve*2,Ge));Ye.set(n),n=Ye}},c=t.f||0,f=t.p||0,d=t.b||0,m=t.l,x=t.d,v=t.m,b=t.n,Z=i*8;do{if(!m){c=T(e,f,1);var ce=T(e,f+1,3);if(f+=3,ce)if(ce==1)m=ln,x=un,v=9,b=5;else if(ce==2){var pe=T(e,f,31)+257,Re=T(e,f+10,15)+4,qe=pe+T(e,f+5,31)+1;f+=14;for(var G=new C(qe),me=new C(19),I=0;I<Re;++I)me[an[I]]=T(e,f+I*3,7);f+=Re*3;for(var He=be(me),Zt=(1<<He)-1,Gt=X(me,He,1),I=0;I<qe;){var Ke=Gt[T(e,f,Zt)];f+=Ke&15;var D=Ke>>4;if(D<16)G[I++]=D;else{var B=0,te=0;for(D==16?(te=3+T(e,f,3),f+=2,B=G[I-1]):D==17?(te=3+T(e,f,7),f+=3):D==18&&(te=11+T(e,f,127),f+=7);te--;)G[I++]=B}}var We=G.subarray(0,pe),L=G.subarray(pe);v=be(We),b=be(L),m=X(We,v,1),x=X(L,b,1)}else k(1);else{var D=fn(f)+4,de=e[D-4]|e[D-3]<<8,he=D+de;if(he>i){l&&k(0);break}s&&u(d+de),n.set(e.subarray(D,he),d),t.b=d+=de,t.p=f=he*8,t.f=c;continue}if(f>Z){l&&k(0);break}}s&&u(d+131072);for(var Vt=(1<<v)-1,Yt=(1<<b)-1,ge=f;;ge=f){var B=m[ye(e,f)&Vt],R=B>>4;if(f+=B&15,f>Z){l&&k(0);break}if(B||k(2),R<256)n[d++]=R;else if(R==256){ge=f,m=null;break}else{var je=R-254;if(R>264){var I=R-257,V=_e[I];je=T(e,f,(1<<V)-1)+tt[I],f+=V}var xe=x[ye(e,f)&Yt],ve=xe>>4;xe||k(3),f+=xe&15;var L=sn[ve];if(ve>3){var V=Je[ve];L+=ye(e,f)&(1<<V)-1,f+=V}if(f>Z){l&&k(0);break}s&&u(d+131072);var $e=d+je;if(d<L){var Ze=a-L,Xt=Math.min(L,$e);for(Ze+d<0&&k(3);d<Xt;++d)n[d]=r[Ze+d]}for(;d<$e;++d)n[d]=n[d-L]}}t.l=m,t.p=ge,t.b=d,t.f=c,m&&(c=1,t.m=v,t.d=x,t.n=b)}while(!c);return d!=n.length&&o?ne(n,0,d):n.subarray(0,d)};var hn=new C(0);var it=(function(){function e(t,n){typeof t=="function"&&(n=t,t={}),this.ondata=n;var r=t&&t.dictionary&&t.dictionary.subarray(-32768);this.s={i:0,b:r?r.length:0},this.o=new C(32768),this.p=new C(0),r&&this.o.set(r)}return e.prototype.e=function(t){if(this.ondata||k(5),this.d&&k(4),!this.p.length)this.p=t;else if(t.length){var n=new C(this.p.length+t.length);n.set(this.p),n.set(t,this.p.length),this.p=n}},e.prototype.c=function(t){this.s.i=+(this.d=t||!1);var n=this.s.b,r=dn(this.p,this.s,this.o);this.ondata(ne(r,n,this.s.b),this.d),this.o=ne(r,this.s.b-32768),this.s.b=this.o.length,this.p=ne(this.p,this.s.p/8|0),this.s.p&=7},e.prototype.push=function(t,n){this.e(t),this.c(n)},e})();var pn=typeof TextDecoder<"u"&&new TextDecoder,mn=0;try{pn.decode(hn,{stream:!0}),mn=1}catch{}var gn=1e4,g=class extends Error{constructor(n){super(n);this.reason=n}reason};function ut(e,t){try{return{...xn(e,t)}}catch(n){return n instanceof g?{notInspectable:n.reason}:{notInspectable:"corrupt"}}}function at(e,t,n){return n.objects?{text:e,format:t,unread:"embedded-objects-not-inspected"}:n.images?{text:e,format:t,unread:"images-not-inspected"}:{text:e,format:t}}function xn(e,t){let n=bn(e),r=new Map(n.map(a=>[a.name,a]));if(r.has("word/document.xml")){let a=n.map(s=>s.name).filter(s=>{let l=s.startsWith("word/")?s.slice(5):"";return(l.startsWith("header")||l.startsWith("footer"))&&l.endsWith(".xml")&&!l.includes("/")||["footnotes.xml","endnotes.xml","comments.xml"].includes(l)}).sort(vn),o={images:!1,objects:!1};for(let{name:s}of n){let l=s.lastIndexOf("/");if(!s.startsWith("word/")||l<5)continue;let u=s.slice(5,l).split("/");o.images||=u.includes("media"),o.objects||=u.includes("embeddings")}return at(ot(e,r,["word/document.xml",...a],"word",t,o),"docx",o)}let i=null;try{i=ft(e,r,"mimetype",256)}catch{i=null}if(i!==null&&new TextDecoder().decode(i)==="application/vnd.oasis.opendocument.text"){let a=r.has("styles.xml")?["content.xml","styles.xml"]:["content.xml"],o={images:!1,objects:!1};for(let{name:s}of n)o.images||=s.startsWith("Pictures/"),o.objects||=s.startsWith("Object");return at(ot(e,r,a,"odf",t,o),"odt",o)}throw r.has("[Content_Types].xml")&&n.some(a=>a.name.includes("/encryption"))?new g("encrypted"):new g("unsupported-format")}function vn(e,t){let n=new TextEncoder().encode(e),r=new TextEncoder().encode(t);for(let i=0;i<Math.min(n.length,r.length);i++){let a=n[i]-r[i];if(a!==0)return a}return n.length-r.length}function bn(e){let t=new DataView(e.buffer,e.byteOffset,e.byteLength),n=-1;for(let u=e.length-22;u>=Math.max(0,e.length-22-65535);u--)if(t.getUint32(u,!0)===101010256){n=u;break}if(n<0)throw new g("corrupt");let r=t.getUint16(n+10,!0),i=t.getUint32(n+12,!0),a=t.getUint32(n+16,!0);if(r>gn)throw new g("too-large");if(a+i>n)throw new g("corrupt");let o=new TextDecoder,s=[],l=a;for(let u=0;u<r;u++){if(l+46>n||t.getUint32(l,!0)!==33639248)throw new g("corrupt");let c=t.getUint16(l+28,!0),f=l+46+c+t.getUint16(l+30,!0)+t.getUint16(l+32,!0);if(f>n)throw new g("corrupt");s.push({name:o.decode(e.subarray(l+46,l+46+c)),flags:t.getUint16(l+8,!0),method:t.getUint16(l+10,!0),compressedSize:t.getUint32(l+20,!0),size:t.getUint32(l+24,!0),localOffset:t.getUint32(l+42,!0)}),l=f}return s}function ft(e,t,n,r){let i=t.get(n);if(i===void 0)throw new g("corrupt");if((i.flags&1)!==0)throw new g("encrypted");if(i.size>r)throw new g("too-large");let a=new DataView(e.buffer,e.byteOffset,e.byteLength),o=i.localOffset;if(o+30>e.length||a.getUint32(o,!0)!==67324752)throw new g("corrupt");let s=o+30+a.getUint16(o+26,!0)+a.getUint16(o+28,!0),l=e.subarray(s,s+i.compressedSize);if(l.length!==i.compressedSize)throw new g("corrupt");if(i.method===0){if(l.length>r)throw new g("too-large");return l}if(i.method!==8)throw new g("unsupported-format");let u=[],c=0,f=!1,d=new it((b,Z)=>{if(c+=b.length,c>r)throw new g("too-large");u.push(b),Z&&(f=!0)}),m=64*1024;for(let b=0;b<l.length;b+=m)d.push(l.subarray(b,Math.min(b+m,l.length)),b+m>=l.length);if(l.length===0&&d.push(new Uint8Array(0),!0),!f)throw new g("corrupt");let x=new Uint8Array(c),v=0;for(let b of u)x.set(b,v),v+=b.length;return x}function ot(e,t,n,r,i,a){let o="";for(let s of n){let l=ft(e,t,s,i.maxPartBytes);if(o!==""&&!o.endsWith(`
`)&&(o+=`
`),o+=wn(l,r,a),o.length>i.maxTextBytes)throw new g("too-large")}return o}function st(e,t){return e==="word"?t==="w:t"||t==="w:delText":t==="text:p"||t==="text:h"}function lt(e,t){return e==="word"?t==="w:p":t==="text:p"||t==="text:h"}function yn(e,t,n){e==="word"&&t==="w:altChunk"&&(n.objects=!0),e==="odf"&&t==="office:binary-data"&&(n.images=!0)}function wn(e,t,n={images:!1,objects:!1}){let r;try{r=new TextDecoder("utf-8",{fatal:!0}).decode(e)}catch{throw new g("corrupt")}let i=[],a=[],o=0,s=0;for(;s<r.length;){let l=r.indexOf("<",s),u=l<0?r.length:l;if(u>s){if(o>0)i.push(In(r.slice(s,u)));else if(r.slice(s,u).includes("&")&&/&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(r.slice(s,u)))throw new g("corrupt")}if(l<0)break;if(r.startsWith("<!--",l))s=re(r,"-->",l+4);else if(r.startsWith("<![CDATA[",l)){let c=r.indexOf("]]>",l+9);if(c<0)throw new g("corrupt");o>0&&i.push(r.slice(l+9,c)),s=c+3}else if(r.startsWith("<?",l))s=re(r,"?>",l+2);else if(r.startsWith("<!",l)){let c=r.indexOf("[",l),f=r.indexOf(">",l);s=c>=0&&c<f?re(r,"]>",c):re(r,">",l)}else{let c=An(r,l+1),f=r.slice(l+1,c);if(s=c+1,f.startsWith("/")){let v=f.slice(1).trim();if(a.pop()!==v)throw new g("corrupt");st(t,v)&&(o=Math.max(0,o-1)),lt(t,v)&&i.push(`
`);continue}let d=f.endsWith("/"),m=d?f.slice(0,-1):f,x=/^[^\s/>]+/.exec(m)?.[0];if(x===void 0)throw new g("corrupt");if(yn(t,x,n),!d){a.push(x),st(t,x)&&(o+=1);continue}if(t==="word"&&x==="w:tab"||t==="odf"&&x==="text:tab")i.push("	");else if(t==="word"&&(x==="w:br"||x==="w:cr")||t==="odf"&&x==="text:line-break")i.push(`
`);else if(t==="odf"&&x==="text:s"){let v=/\stext:c\s*=\s*(?:"([0-9]+)"|'([0-9]+)')/.exec(m),b=v===null?1:Number(v[1]??v[2]);i.push(" ".repeat(Math.min(Number.isSafeInteger(b)?b:1,64)))}else lt(t,x)&&i.push(`
`)}}return i.join("")}function re(e,t,n){let r=e.indexOf(t,n);if(r<0)throw new g("corrupt");return r+t.length}function An(e,t){let n="";for(let r=t;r<e.length;r++){let i=e[r];if(n!=="")i===n&&(n="");else if(i==='"'||i==="'")n=i;else{if(i===">")return r;if(i==="<")break}}throw new g("corrupt")}var Cn={amp:"&",lt:"<",gt:">",quot:'"',apos:"'"};function In(e){return e.replace(/&([^;&]*);|&/g,(t,n)=>{if(n===void 0)throw new g("corrupt");let r=/^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(n);if(r!==null){let i=r[1]!==void 0?parseInt(r[1],16):Number(r[2]);if(!(i>0&&i<=1114111)||i>=55296&&i<=57343)throw new g("corrupt");return String.fromCodePoint(i)}if(!/^[A-Za-z_][\w.-]*$/.test(n))throw new g("corrupt");return Cn[n]??""})}var Ae={maxFileBytes:256<<20,maxPartBytes:64<<20,maxTextBytes:64<<20};function ht(e,t,n=Ae){if(e.length>n.maxFileBytes)return{notInspectable:"too-large"};let r;switch(Tn(e)){case"pdf":r={notInspectable:"pdf"};break;case"zip":r=ut(e,n);break;case"image":r={notInspectable:"image"};break;case"unsupported":r={notInspectable:"unsupported-format"};break;case"other":r=kn(e,t,n.maxTextBytes);break}return"text"in r&&Sn(r.text)>n.maxTextBytes?{notInspectable:"too-large"}:r}function Sn(e){let t=0;for(let n=0;n<e.length;n++){let r=e.charCodeAt(n);r<128?t+=1:r<2048?t+=2:r>=55296&&r<=56319&&n+1<e.length&&(e.charCodeAt(n+1)&64512)===56320?(t+=4,n+=1):t+=3}return t}var ct=1<<20;function dt(e,t){let n=new TextDecoder(t,{fatal:!0,ignoreBOM:!0});try{for(let r=0;r<e.length;r+=ct)n.decode(e.subarray(r,r+ct),{stream:!0});return n.decode(),!0}catch{return!1}}function w(e,t,n=0){return t.every((r,i)=>e[n+i]===r)}var O=e=>[...e].map(t=>t.charCodeAt(0));function Tn(e){let t=e.subarray(0,1024),n=O("%PDF-");for(let i=0;i+n.length<=t.length;i++)if(w(t,n,i))return"pdf";return w(e,[80,75,3,4])?"zip":w(e,[137,80,78,71,13,10,26,10])||w(e,[255,216,255])||w(e,O("GIF87a"))||w(e,O("GIF89a"))||w(e,[73,73,42,0])||w(e,[77,77,0,42])||w(e,O("BM"))&&e.length>=10&&w(e,[0,0,0,0],6)||w(e,O("RIFF"))&&w(e,O("WEBP"),8)||w(e,O("ftyp"),4)&&["heic","heix","mif1","avif","msf1"].some(i=>w(e,O(i),8))?"image":w(e,[208,207,17,224,161,177,26,225])||w(e,[82,97,114,33,26,7])||w(e,[55,122,188,175,39,28])||w(e,[31,139])?"unsupported":"other"}function kn(e,t,n){let r=t===null?-1:t.lastIndexOf("."),i=t===null||r<0?"":t.slice(r+1).toLowerCase(),a=i==="csv"||i==="tsv"?"csv":"text";for(let[l,u]of[[[255,254],"utf-16le"],[[254,255],"utf-16be"]])if(w(e,l)){let c=e.subarray(2);if(c.length/2>n)return dt(c,u)?{notInspectable:"too-large"}:{notInspectable:"unknown-format"};try{return{text:new TextDecoder(u,{fatal:!0,ignoreBOM:!0}).decode(c),format:a}}catch{return{notInspectable:"unknown-format"}}}if(e.includes(0))return{notInspectable:"unknown-format"};let o=e.length>n;if(o&&dt(e,"utf-8"))return{notInspectable:"too-large"};if(!o)try{return{text:new TextDecoder("utf-8",{fatal:!0,ignoreBOM:!0}).decode(e),format:a}}catch{let l=new TextDecoder("utf-8",{ignoreBOM:!0}).decode(e),u=0,c=0;for(let f of l)f==="�"?u+=1:f.charCodeAt(0)>=128&&(c+=1);if(c>0&&u<=c)return{text:l.replaceAll("�","?"),format:a}}let s=0;for(let l=0;l<e.length;l++){let u=e[l];u<32&&u!==10&&u!==13&&u!==9&&u!==12&&(s+=1)}return s*100>e.length?{notInspectable:"unknown-format"}:o?{notInspectable:"too-large"}:{text:new TextDecoder("windows-1252").decode(e),format:a}}function A(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122||e===95)}function h(e){return e!==void 0&&e>=48&&e<=57}function W(e){return e!==void 0&&e>=65&&e<=90}function U(e){return e!==void 0&&(e>=48&&e<=57||e>=65&&e<=90||e>=97&&e<=122)}function F(e){return e!==void 0&&(e>=65&&e<=90||e>=97&&e<=122)}function N(e){return e>=97&&e<=122?e-32:e}function ie(e){return e>=65&&e<=90?e+32:e}function P(e,t){let n=e[t];return n===32&&e[t+1]===32?2:n===32||n===46||n===45?1:n===194&&e[t+1]===160?2:n===226&&e[t+1]===128&&(e[t+2]===175||e[t+2]===137)?3:0}function ae(e,t,n=e.length){for(let r=t;r<n;r++){let i=e[r];if(i>=48&&i<=57)return r}return-1}function Te(e,t){let n=e[t];return n===void 0?-1:n<128?n:n<224?(n&31)<<6|(e[t+1]??0)&63:n<240?(n&15)<<12|((e[t+1]??0)&63)<<6|(e[t+2]??0)&63:(n&7)<<18|((e[t+1]??0)&63)<<12|((e[t+2]??0)&63)<<6|(e[t+3]??0)&63}function ke(e){return e<128?1:e<224?2:e<240?3:4}var Un=/^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u,En=new RegExp("^\\p{Alphabetic}$","u"),pt=new Map;function K(e){if(e<0)return!1;if(e<128)return U(e);let t=pt.get(e);return t===void 0&&(t=Un.test(String.fromCodePoint(e)),pt.set(e,t)),t}function Dn(e){return e>=0&&(e<128?F(e):En.test(String.fromCodePoint(e)))}function oe(e,t){let n=e[t];return n===void 0?!1:n<128?Ue[n]===1:xt(e,t,n)}var Ue=new Uint8Array(128);for(let e=0;e<128;e++)Ue[e]=A(e)?1:0;var mt=new Uint8Array(2048);function xt(e,t,n){if(n<224){let r=(n&31)<<6|(e[t+1]??0)&63,i=mt[r];return i===0&&(i=K(r)?1:2,mt[r]=i),i===1}return K(Te(e,t))}function vt(e,t,n){let r=0,i=-1,a=0,o=e.length;for(;r<o;){let s=e[r];if(s<128){Ue[s]===1?(i<0&&(i=r,a=0),a=Math.imul(a^(s>=65&&s<=90?s+32:s),16777619)>>>0):i>=0&&(Ce(t,a)&&n(i,a),i=-1),r+=1;continue}let l=ke(s);if(xt(e,r,s)){i<0&&(i=r,a=0);for(let u=r;u<r+l;u++)a=Math.imul(a^e[u],16777619)>>>0}else i>=0&&(Ce(t,a)&&n(i,a),i=-1);r+=l}i>=0&&Ce(t,a)&&n(i,a)}function zn(e,t){return Math.imul(e^t,16777619)>>>0}function bt(e){let t=new Uint32Array(2048);for(let n of e)t[(n&65535)>>>5]=t[(n&65535)>>>5]|1<<(n&31);return t}function Ce(e,t){return(e[(t&65535)>>>5]&1<<(t&31))!==0}function yt(e){let t=0,n=0;for(;n<e.length;){let r=e[n],i=1;if(r<128){if(!A(r))break}else{if(!K(Te(e,n)))break;i=ke(r)}for(let a=n;a<n+i;a++)t=zn(t,ie(e[a]));n+=i}return t}function J(e,t,n,r){let i=Math.max(0,t-n);for(let a of r){let o=t-a.length;e:for(let s=i;s<=o;s++){for(let l=0;l<a.length;l++)if(ie(e[s+l])!==a.charCodeAt(l))continue e;return!0}}return!1}function wt(e,t){let n=H(e,t,1,4);if(n===null)return-1;let[r,i]=n;if(i-t===4){if(e[i]!==45)return-1;let c=H(e,i+1,2,2);if(c===null||e[c[1]]!==45)return-1;let f=H(e,c[1]+1,2,2);if(f===null)return-1;let d=f[1];return Ie(r,4)&&Se(f[0],c[0])&&!A(e[d])?d:-1}if(i-t>2)return-1;let a=r,o=e[i];if(o===47||o===45||o===46){let c=H(e,i+1,1,2);if(c===null||e[c[1]]!==o)return-1;let f=H(e,c[1]+1,2,4);if(f===null)return-1;let d=f[1]-c[1]-1;return d!==3&&Ie(f[0],d)&&Se(a,c[0])&&!A(e[f[1]])?f[1]:-1}let s=i;if(a===1&&e[s]===101&&e[s+1]===114&&(s+=2),s=gt(e,s),s<0)return-1;let l=On(e,s);if(l===null||(s=gt(e,l[1]),s<0))return-1;let u=H(e,s,4,4);return u===null?-1:Ie(u[0],4)&&Se(a,l[0])&&!A(e[u[1]])?u[1]:-1}function H(e,t,n,r){let i=0,a=t;for(;h(e[a]);){if(a-t===r)return null;i=i*10+(e[a]-48),a+=1}return a-t>=n?[i,a]:null}function gt(e,t){let n=t;for(;;)if(e[n]===32)n+=1;else if(e[n]===194&&e[n+1]===160)n+=2;else if(e[n]===226&&e[n+1]===128&&e[n+2]===175)n+=3;else break;return n>t?n:-1}var Mn=new Map([["janvier",1],["janv.",1],["février",2],["fevrier",2],["févr.",2],["fevr.",2],["mars",3],["avril",4],["avr.",4],["mai",5],["juin",6],["juillet",7],["juil.",7],["août",8],["aout",8],["septembre",9],["sept.",9],["octobre",10],["oct.",10],["novembre",11],["nov.",11],["décembre",12],["decembre",12],["déc.",12],["dec.",12],["janv",1]]),Ln=new TextDecoder;function On(e,t){let n=t;for(;n<e.length;){let a=Te(e,n);if(!(a===46||Dn(a)))break;n+=ke(e[n])}let r=Ln.decode(e.subarray(t,n)).toLowerCase(),i=Mn.get(r);return i===void 0?null:[i,n]}function Ie(e,t){return t===2||e>=1900&&e<=2100}function Se(e,t){let n;if(t===2)n=29;else if(t===4||t===6||t===9||t===11)n=30;else if(t>=1&&t<=12)n=31;else return!1;return e>=1&&e<=n}var se=64,j=class{root={next:new Map,pattern:-1};patterns=[];firstWords=new Set;classes=null;transitions=new Int32Array(0);accepting=new Int32Array(0);matchEnd=0;add(t){let n=Nn.encode(t);this.firstWords.add(yt(n));let r=this.root;for(let i of n){let a=ie(i),o=r.next.get(a);o===void 0&&(o={next:new Map,pattern:-1},r.next.set(a,o)),r=o}r.pattern<0&&(r.pattern=this.patterns.length),this.patterns.push(n),this.classes=null}mayStart(t){return this.firstWords.has(t)}firstWordHashes(){return this.firstWords}compile(){let t=new Uint8Array(256),n=[],r=new Map,i=[this.root],a=0;for(;i.length>0;){let o=i.shift();r.set(o,n.length),n.push(o);for(let[s,l]of o.next){if(t[s]===0){if(a+=1,a>=se)throw new Error("too many distinct bytes in the dictionary");t[s]=a,s>=97&&s<=122&&(t[s-32]=a)}i.push(l)}}return this.transitions=new Int32Array(n.length*se),this.accepting=new Int32Array(n.length),n.forEach((o,s)=>{this.accepting[s]=o.pattern;for(let[l,u]of o.next)this.transitions[s*se+t[l]]=r.get(u)}),this.classes=t,t}longestAt(t,n){let r=this.classes??this.compile(),i=this.transitions,a=0,o=-1;for(let s=n;s<t.length;s++){let l=r[t[s]];if(l===0||(a=i[a*se+l],a===0))break;let u=this.accepting[a];u>=0&&(o=u,this.matchEnd=s+1)}return o}},Nn=new TextEncoder;function le(e){let t=e.toLowerCase(),n=[t,t.toUpperCase()],r=[...t].map(Pn).join("");[...r].length>=4&&n.push(r);for(let i of[...n])i.includes("'")?n.push(i.replaceAll("'","’")):i.includes("’")&&n.push(i.replaceAll("’","'"));return n.sort(Fn),n.filter((i,a)=>a===0||i!==n[a-1])}function Fn(e,t){let n=[...e],r=[...t];for(let i=0;i<Math.min(n.length,r.length);i++){let a=(n[i].codePointAt(0)??0)-(r[i].codePointAt(0)??0);if(a!==0)return a}return n.length-r.length}function Pn(e){switch(e){case"à":case"â":case"ä":case"á":return"a";case"é":case"è":case"ê":case"ë":return"e";case"î":case"ï":case"í":return"i";case"ô":case"ö":case"ó":return"o";case"ù":case"û":case"ü":case"ú":return"u";case"ç":return"c";case"ÿ":return"y";case"œ":return"oe";case"æ":return"ae";default:return e}}var St=64,Bn=[["né","birth"],["née","birth"],["né(e)","birth"],["naissance","birth"],["ddn","birth"],["date of birth","birth"],["birth date","birth"],["born","birth"],["dob","birth"],["cni","cni"],["carte nationale d'identité","cni"],["carte nationale d’identité","cni"],["carte d'identité","cni"],["carte d’identité","cni"],["pièce d'identité","cni"],["pièce d’identité","cni"],["identity card","cni"],["passeport","passport"],["passport","passport"],["adeli","adeli"]];function Tt(){let e=new j,t=[];for(let[n,r]of Bn)for(let i of le(n))e.add(i),t.push(r);return{dictionary:e,triggers:t}}function kt(e,t,n,r){let i=0;for(let o of n){if(o<i)continue;let s=e.dictionary.longestAt(t,o);if(s<0)continue;let l=e.dictionary.matchEnd;if(oe(t,l))continue;let u=e.triggers[s];if(u===void 0)continue;i=l;let c;switch(u){case"birth":c=Kn(t,l);break;case"cni":c=It(t,l,a);break;case"passport":c=It(t,l,(f,d)=>Wn(t,f,d)?Rn:null);break;case"adeli":c=jn(t,l);break}c!==null&&r.push(c)}function a(o,s){if(s-o===12)return At(t,o,o+4)&&Ct(t,o+4,o+7)&&At(t,o+7,s)?qn:null;if(s-o!==9||!Ct(t,o,s))return null;let l=!1,u=!1;for(let c=o;c<s;c++)h(t[c])?l=!0:u=!0;return l&&u?Hn:null}}var Rn=["passport",.9],qn=["cni",.85],Hn=["cni",.8];function At(e,t,n){for(let r=t;r<n;r++)if(!h(e[r]))return!1;return!0}function Ct(e,t,n){for(let r=t;r<n;r++)if(!(h(e[r])||W(e[r])))return!1;return!0}function Ut(e,t){let n=Math.min(t+St,e.length),r=ae(e,t,n);return r<0||r>0&&A(e[r-1])?-1:r}function Kn(e,t){let n=Ut(e,t);if(n<0)return null;let r=wt(e,n);return r<0?null:{kind:"birthdate",start:n,end:r,confidence:y(.9)}}function It(e,t,n){let r=Math.min(t+St,e.length),i=t;for(;i<r;){if(!A(e[i])){i+=1;continue}let a=i;for(;A(e[a]);)a+=1;let o=n(i,a);if(o!==null)return{kind:o[0],start:i,end:a,confidence:y(o[1])};i=a}return null}function Wn(e,t,n){if(n-t!==9)return!1;for(let r=t;r<n;r++){let i=r-t;if(i===2||i===3?!W(e[r]):!h(e[r]))return!1}return!0}function jn(e,t){let n=Ut(e,t);if(n<0)return null;let r=n,i=0;for(;;){let a=r;for(;h(e[a]);)a+=1;if(i+=a-r,i>9||A(e[a]))return null;let o=P(e,a);if(i===9)return o>0&&h(e[a+o])?null:{kind:"adeli",start:n,end:a,confidence:y(.85)};if(o===0||!h(e[a+o]))return null;r=a+o}}var Et=`# French health terms for the \`health\` detector: term, weight, category.
# Weight (0-1): how strongly the term alone points to health data; a match is reported
# when its weight plus the boost of nearby terms and context words reaches 0.5.
# Categories: diagnosis, treatment, disability, care; \`context\` words are never reported,
# they only raise the score of terms near them. A term written in capitals (VIH, AVC) is
# an acronym and matches only in capitals; others ignore case and accents.
# Sources: common French terms of clinical and social-care writing (ALD list, CIM-10
# chapter titles, medico-social services); no personal data.
# diagnoses
cancer	0.6	diagnosis
cancer du sein	0.9	diagnosis
cancer du poumon	0.9	diagnosis
cancer de la prostate	0.9	diagnosis
cancer colorectal	0.9	diagnosis
tumeur	0.6	diagnosis
tumeur maligne	0.9	diagnosis
tumeur bénigne	0.8	diagnosis
carcinome	0.9	diagnosis
adénocarcinome	0.9	diagnosis
sarcome	0.9	diagnosis
lymphome	0.9	diagnosis
leucémie	0.9	diagnosis
myélome	0.9	diagnosis
mélanome	0.9	diagnosis
glioblastome	0.9	diagnosis
métastase	0.9	diagnosis
métastases	0.9	diagnosis
néoplasie	0.9	diagnosis
oncologie	0.7	care
diabète	0.7	diagnosis
diabète de type 1	0.9	diagnosis
diabète de type 2	0.9	diagnosis
diabétique	0.7	diagnosis
diabète gestationnel	0.9	diagnosis
hypertension artérielle	0.8	diagnosis
hypertension	0.5	diagnosis
HTA	0.6	diagnosis
hypercholestérolémie	0.8	diagnosis
infarctus	0.7	diagnosis
infarctus du myocarde	0.9	diagnosis
insuffisance cardiaque	0.9	diagnosis
insuffisance rénale	0.9	diagnosis
insuffisance respiratoire	0.9	diagnosis
insuffisance hépatique	0.9	diagnosis
cardiopathie	0.9	diagnosis
arythmie	0.8	diagnosis
fibrillation auriculaire	0.9	diagnosis
angine de poitrine	0.8	diagnosis
AVC	0.7	diagnosis
accident vasculaire cérébral	0.9	diagnosis
embolie pulmonaire	0.9	diagnosis
thrombose	0.8	diagnosis
phlébite	0.8	diagnosis
anévrisme	0.8	diagnosis
cirrhose	0.9	diagnosis
hépatite	0.8	diagnosis
hépatite B	0.9	diagnosis
hépatite C	0.9	diagnosis
VIH	0.9	diagnosis
sida	0.8	diagnosis
séropositif	0.9	diagnosis
séropositive	0.9	diagnosis
séropositivité	0.9	diagnosis
infection sexuellement transmissible	0.9	diagnosis
IST	0.45	diagnosis
syphilis	0.9	diagnosis
tuberculose	0.9	diagnosis
méningite	0.9	diagnosis
septicémie	0.9	diagnosis
pneumonie	0.7	diagnosis
bronchite chronique	0.8	diagnosis
covid-19	0.5	diagnosis
covid long	0.8	diagnosis
épilepsie	0.9	diagnosis
épileptique	0.8	diagnosis
crise d'épilepsie	0.9	diagnosis
maladie d'Alzheimer	0.9	diagnosis
alzheimer	0.8	diagnosis
maladie de Parkinson	0.9	diagnosis
parkinson	0.7	diagnosis
démence	0.7	diagnosis
troubles cognitifs	0.8	diagnosis
sclérose en plaques	0.9	diagnosis
sclérose latérale amyotrophique	0.9	diagnosis
maladie de Charcot	0.9	diagnosis
myopathie	0.9	diagnosis
mucoviscidose	0.9	diagnosis
drépanocytose	0.9	diagnosis
hémophilie	0.9	diagnosis
maladie de Crohn	0.9	diagnosis
rectocolite hémorragique	0.9	diagnosis
maladie cœliaque	0.8	diagnosis
polyarthrite rhumatoïde	0.9	diagnosis
spondylarthrite	0.9	diagnosis
lupus	0.8	diagnosis
fibromyalgie	0.9	diagnosis
arthrose	0.6	diagnosis
ostéoporose	0.7	diagnosis
hernie discale	0.7	diagnosis
lombalgie	0.6	diagnosis
asthme	0.7	diagnosis
asthmatique	0.7	diagnosis
BPCO	0.8	diagnosis
bronchopneumopathie chronique obstructive	0.9	diagnosis
apnée du sommeil	0.8	diagnosis
hypothyroïdie	0.8	diagnosis
hyperthyroïdie	0.8	diagnosis
obésité	0.6	diagnosis
obésité morbide	0.9	diagnosis
anorexie	0.7	diagnosis
anorexie mentale	0.9	diagnosis
boulimie	0.8	diagnosis
troubles du comportement alimentaire	0.9	diagnosis
dénutrition	0.7	diagnosis
schizophrénie	0.9	diagnosis
schizophrène	0.9	diagnosis
trouble bipolaire	0.9	diagnosis
troubles bipolaires	0.9	diagnosis
bipolaire	0.6	diagnosis
psychose	0.9	diagnosis
paranoïa	0.7	diagnosis
dépression	0.4	diagnosis
syndrome dépressif	0.9	diagnosis
épisode dépressif	0.9	diagnosis
état dépressif	0.9	diagnosis
dépressif	0.6	diagnosis
dépressive	0.6	diagnosis
burn-out	0.6	diagnosis
trouble anxieux	0.8	diagnosis
troubles anxieux	0.8	diagnosis
trouble panique	0.8	diagnosis
attaques de panique	0.7	diagnosis
anxiété généralisée	0.8	diagnosis
phobie	0.5	diagnosis
trouble obsessionnel compulsif	0.9	diagnosis
TOC	0.6	diagnosis
stress post-traumatique	0.9	diagnosis
syndrome de stress post-traumatique	0.9	diagnosis
trouble de la personnalité	0.9	diagnosis
personnalité borderline	0.9	diagnosis
autisme	0.8	diagnosis
autiste	0.8	diagnosis
trouble du spectre de l'autisme	0.9	diagnosis
TSA	0.45	diagnosis
syndrome d'Asperger	0.9	diagnosis
TDAH	0.8	diagnosis
hyperactivité	0.5	diagnosis
trouble du déficit de l'attention	0.9	diagnosis
dyslexie	0.7	diagnosis
dyspraxie	0.7	diagnosis
trisomie 21	0.9	diagnosis
trisomie	0.8	diagnosis
syndrome de Down	0.9	diagnosis
infirmité motrice cérébrale	0.9	diagnosis
paralysie cérébrale	0.9	diagnosis
addiction	0.5	diagnosis
alcoolisme	0.8	diagnosis
alcoolodépendance	0.9	diagnosis
dépendance à l'alcool	0.9	diagnosis
toxicomanie	0.8	diagnosis
toxicomane	0.8	diagnosis
usage de stupéfiants	0.7	diagnosis
tentative de suicide	0.9	diagnosis
idées suicidaires	0.9	diagnosis
risque suicidaire	0.9	diagnosis
automutilation	0.9	diagnosis
scarifications	0.7	diagnosis
grossesse	0.5	diagnosis
enceinte	0.5	diagnosis
grossesse extra-utérine	0.9	diagnosis
interruption volontaire de grossesse	0.9	care
IVG	0.9	care
interruption médicale de grossesse	0.9	care
fausse couche	0.7	diagnosis
infertilité	0.8	diagnosis
stérilité	0.6	diagnosis
endométriose	0.9	diagnosis
ménopause	0.5	diagnosis
dysfonction érectile	0.9	diagnosis
cataracte	0.7	diagnosis
glaucome	0.8	diagnosis
dégénérescence maculaire	0.9	diagnosis
rétinopathie	0.9	diagnosis
acouphènes	0.6	diagnosis
migraine	0.5	diagnosis
maladie rare	0.7	diagnosis
maladie chronique	0.7	diagnosis
maladie génétique	0.8	diagnosis
allergie	0.4	diagnosis
eczéma	0.5	diagnosis
psoriasis	0.7	diagnosis
pathologie	0.4	diagnosis
comorbidité	0.7	diagnosis
comorbidités	0.7	diagnosis
fracture	0.4	diagnosis
traumatisme crânien	0.8	diagnosis
coma	0.6	diagnosis
état végétatif	0.9	diagnosis
escarre	0.8	diagnosis
incontinence	0.8	diagnosis
insuffisance veineuse	0.8	diagnosis
# treatments
chimiothérapie	0.9	treatment
radiothérapie	0.9	treatment
immunothérapie	0.8	treatment
hormonothérapie	0.8	treatment
curiethérapie	0.9	treatment
trithérapie	0.9	treatment
traitement antirétroviral	0.9	treatment
antirétroviral	0.9	treatment
antirétroviraux	0.9	treatment
PrEP	0.8	treatment
prophylaxie pré-exposition	0.9	treatment
insuline	0.6	treatment
insulinothérapie	0.9	treatment
metformine	0.8	treatment
antidépresseur	0.8	treatment
antidépresseurs	0.8	treatment
anxiolytique	0.8	treatment
anxiolytiques	0.8	treatment
neuroleptique	0.9	treatment
neuroleptiques	0.9	treatment
antipsychotique	0.9	treatment
antipsychotiques	0.9	treatment
benzodiazépine	0.8	treatment
benzodiazépines	0.8	treatment
thymorégulateur	0.9	treatment
hypnotique	0.5	treatment
somnifère	0.6	treatment
somnifères	0.6	treatment
lithium	0.5	treatment
méthadone	0.9	treatment
buprénorphine	0.9	treatment
Subutex	0.9	treatment
traitement de substitution aux opiacés	0.9	treatment
morphine	0.7	treatment
opioïde	0.7	treatment
opioïdes	0.7	treatment
tramadol	0.7	treatment
codéine	0.6	treatment
oxycodone	0.8	treatment
fentanyl	0.7	treatment
paracétamol	0.4	treatment
ibuprofène	0.4	treatment
anti-inflammatoire	0.4	treatment
corticoïdes	0.6	treatment
corticothérapie	0.8	treatment
antibiotique	0.4	treatment
antibiotiques	0.4	treatment
antibiothérapie	0.7	treatment
anticoagulant	0.7	treatment
anticoagulants	0.7	treatment
antiagrégant plaquettaire	0.8	treatment
bêtabloquant	0.7	treatment
antihypertenseur	0.7	treatment
statine	0.6	treatment
statines	0.6	treatment
lévothyrox	0.7	treatment
lévothyroxine	0.7	treatment
valproate	0.8	treatment
dépakine	0.9	treatment
antiépileptique	0.9	treatment
antiépileptiques	0.9	treatment
rispéridone	0.9	treatment
olanzapine	0.9	treatment
clozapine	0.9	treatment
aripiprazole	0.9	treatment
halopéridol	0.9	treatment
quétiapine	0.9	treatment
sertraline	0.9	treatment
fluoxétine	0.9	treatment
paroxétine	0.9	treatment
escitalopram	0.9	treatment
citalopram	0.9	treatment
venlafaxine	0.9	treatment
duloxétine	0.9	treatment
mirtazapine	0.9	treatment
alprazolam	0.9	treatment
bromazépam	0.9	treatment
diazépam	0.9	treatment
lorazépam	0.9	treatment
oxazépam	0.9	treatment
zolpidem	0.8	treatment
zopiclone	0.8	treatment
prégabaline	0.8	treatment
gabapentine	0.8	treatment
méthylphénidate	0.9	treatment
ritaline	0.9	treatment
méthotrexate	0.9	treatment
tamoxifène	0.9	treatment
létrozole	0.9	treatment
trastuzumab	0.9	treatment
adalimumab	0.9	treatment
interféron	0.8	treatment
warfarine	0.8	treatment
apixaban	0.8	treatment
rivaroxaban	0.8	treatment
héparine	0.7	treatment
dialyse	0.8	treatment
hémodialyse	0.9	treatment
dialyse péritonéale	0.9	treatment
greffe	0.5	treatment
greffe de rein	0.9	treatment
greffe de moelle	0.9	treatment
transplantation	0.7	treatment
transplantation rénale	0.9	treatment
transfusion	0.7	treatment
pontage coronarien	0.9	treatment
angioplastie	0.9	treatment
stimulateur cardiaque	0.8	treatment
pacemaker	0.7	treatment
prothèse de hanche	0.8	treatment
mastectomie	0.9	treatment
hystérectomie	0.9	treatment
appendicectomie	0.8	treatment
amputation	0.8	treatment
stomie	0.9	treatment
trachéotomie	0.9	treatment
sonde urinaire	0.8	treatment
oxygénothérapie	0.8	treatment
ventilation non invasive	0.8	treatment
électroconvulsivothérapie	0.9	treatment
sismothérapie	0.9	treatment
psychothérapie	0.7	treatment
thérapie cognitivo-comportementale	0.8	treatment
sevrage	0.5	treatment
sevrage alcoolique	0.9	treatment
cure de désintoxication	0.9	treatment
traitement	0.2	treatment
posologie	0.6	treatment
ordonnance	0.35	care
prescription médicale	0.6	care
vaccination	0.3	treatment
contraception	0.5	treatment
pilule contraceptive	0.7	treatment
procréation médicalement assistée	0.9	treatment
PMA	0.6	treatment
fécondation in vitro	0.9	treatment
FIV	0.5	treatment
# disability
handicap	0.5	disability
situation de handicap	0.6	disability
handicap psychique	0.9	disability
handicap mental	0.9	disability
handicap moteur	0.9	disability
handicap sensoriel	0.9	disability
polyhandicap	0.9	disability
polyhandicapé	0.9	disability
handicapé	0.5	disability
handicapée	0.5	disability
invalidité	0.6	disability
pension d'invalidité	0.8	disability
carte mobilité inclusion	0.8	disability
carte d'invalidité	0.8	disability
taux d'incapacité	0.8	disability
incapacité permanente	0.8	disability
allocation aux adultes handicapés	0.9	disability
AAH	0.7	disability
allocation d'éducation de l'enfant handicapé	0.9	disability
AEEH	0.8	disability
prestation de compensation du handicap	0.9	disability
PCH	0.6	disability
reconnaissance de la qualité de travailleur handicapé	0.9	disability
RQTH	0.8	disability
MDPH	0.7	disability
maison départementale des personnes handicapées	0.8	disability
CDAPH	0.8	disability
ESAT	0.6	disability
IME	0.45	disability
ITEP	0.6	disability
SESSAD	0.7	disability
foyer d'accueil médicalisé	0.8	disability
maison d'accueil spécialisée	0.8	disability
paraplégie	0.9	disability
paraplégique	0.9	disability
tétraplégie	0.9	disability
tétraplégique	0.9	disability
hémiplégie	0.9	disability
hémiplégique	0.9	disability
fauteuil roulant	0.6	disability
surdité	0.7	disability
sourd	0.4	disability
malentendant	0.6	disability
malentendante	0.6	disability
appareil auditif	0.6	disability
implant cochléaire	0.9	disability
cécité	0.8	disability
non-voyant	0.7	disability
malvoyant	0.7	disability
malvoyante	0.7	disability
déficience visuelle	0.8	disability
déficience intellectuelle	0.9	disability
retard mental	0.9	disability
retard psychomoteur	0.9	disability
perte d'autonomie	0.6	disability
dépendance	0.25	disability
GIR	0.4	disability
allocation personnalisée d'autonomie	0.7	disability
APA	0.4	disability
aidant familial	0.5	disability
aide humaine	0.4	disability
tutelle	0.4	disability
curatelle	0.5	disability
mesure de protection juridique	0.6	disability
# care
hospitalisation	0.6	care
hospitalisé	0.6	care
hospitalisée	0.6	care
hospitalisation complète	0.8	care
hospitalisation de jour	0.8	care
hospitalisation à domicile	0.8	care
hospitalisation sous contrainte	0.9	care
soins psychiatriques	0.9	care
soins psychiatriques sans consentement	0.9	care
soins sans consentement	0.9	care
hospitalisation d'office	0.9	care
mise en chambre d'isolement	0.9	care
contention	0.5	care
psychiatrie	0.7	care
psychiatre	0.6	care
pédopsychiatre	0.8	care
pédopsychiatrie	0.8	care
psychologue	0.4	care
centre médico-psychologique	0.8	care
CMP	0.5	care
CMPP	0.7	care
CSAPA	0.8	care
CAARUD	0.8	care
addictologie	0.8	care
addictologue	0.8	care
soins palliatifs	0.9	care
fin de vie	0.6	care
directives anticipées	0.8	care
réanimation	0.7	care
soins intensifs	0.8	care
urgences psychiatriques	0.9	care
passage aux urgences	0.6	care
bloc opératoire	0.7	care
intervention chirurgicale	0.7	care
compte rendu opératoire	0.9	care
compte rendu d'hospitalisation	0.9	care
compte rendu de consultation	0.8	care
lettre de liaison	0.6	care
dossier médical	0.7	care
dossier médical partagé	0.8	care
secret médical	0.6	care
certificat médical	0.7	care
arrêt de travail	0.6	care
arrêt maladie	0.7	care
congé maladie	0.6	care
congé de longue maladie	0.9	care
congé de longue durée	0.7	care
affection de longue durée	0.9	care
ALD	0.6	care
ALD 30	0.9	care
accident du travail	0.5	care
maladie professionnelle	0.6	care
médecine du travail	0.5	care
inaptitude	0.5	care
mi-temps thérapeutique	0.9	care
temps partiel thérapeutique	0.9	care
biopsie	0.8	care
IRM	0.5	care
scanner cérébral	0.8	care
scintigraphie	0.8	care
radiographie	0.4	care
échographie	0.5	care
mammographie	0.8	care
coloscopie	0.8	care
endoscopie	0.7	care
électrocardiogramme	0.7	care
électroencéphalogramme	0.8	care
bilan sanguin	0.5	care
prise de sang	0.5	care
analyses de sang	0.5	care
sérologie	0.7	care
charge virale	0.9	care
glycémie	0.7	care
hémoglobine glyquée	0.9	care
HbA1c	0.9	care
test de grossesse	0.8	care
dépistage	0.4	care
kinésithérapie	0.5	care
kinésithérapeute	0.4	care
orthophonie	0.6	care
orthophoniste	0.5	care
ergothérapie	0.6	care
rééducation	0.5	care
rééducation fonctionnelle	0.7	care
soins infirmiers	0.6	care
soins à domicile	0.6	care
SSIAD	0.7	care
HAD	0.45	care
EHPAD	0.5	care
unité de soins de longue durée	0.8	care
USLD	0.7	care
soins de suite et de réadaptation	0.8	care
SSR	0.4	care
maternité	0.4	care
accouchement	0.5	care
césarienne	0.8	care
suivi de grossesse	0.8	care
PMI	0.45	care
planning familial	0.6	care
consultation mémoire	0.9	care
médecin traitant	0.5	care
antécédents médicaux	0.8	care
antécédents psychiatriques	0.9	care
antécédents chirurgicaux	0.8	care
diagnostic	0.3	care
pronostic vital	0.8	care
symptômes	0.4	care
effets indésirables	0.6	care
allergie médicamenteuse	0.8	care
carnet de santé	0.7	care
carte vitale	0.5	care
complémentaire santé solidaire	0.6	care
aide médicale de l'état	0.7	care
AME	0.4	care
# context words: raise the score of nearby terms, never reported alone
patient	0	context
patiente	0	context
patients	0	context
diagnostiqué	0	context
diagnostiquée	0	context
atteint de	0	context
atteinte de	0	context
souffre de	0	context
souffrant de	0	context
suivi pour	0	context
suivie pour	0	context
traité pour	0	context
traitée pour	0	context
antécédents	0	context
médecin	0	context
docteur	0	context
Dr	0	context
hôpital	0	context
clinique	0	context
CHU	0	context
CHS	0	context
service de	0	context
prescrit	0	context
prescrite	0	context
examen clinique	0	context
consultation	0	context
infirmière	0	context
infirmier	0	context
santé	0	context
médical	0	context
médicale	0	context
thérapeutique	0	context
`;var Zn=y(.5),Dt=200,Gn=y(.15),Vn=3,Yn=y(.25);function zt(e=Et){let t=new j,n=[],r=0;return e.split(`
`).forEach((i,a,o)=>{if(a===o.length-1&&i==="")return;let s=i.trim();if(s===""||s.startsWith("#"))return;let[l,u,c]=s.split("	");if(l===void 0||u===void 0||c===void 0)return;let f=Xn(u.trim());if(f===null)return;let d=new RegExp("\\p{Alphabetic}","u").test(l)&&!new RegExp("\\p{Lowercase}","u").test(l),m={id:a,weight:f,context:c.trim()==="context",exactCase:d};r+=1;for(let x of d?[l]:le(l))t.add(x),n.push(m)}),{dictionary:t,terms:n,lines:r}}function Xn(e){return/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(e)?y(Number(e)):null}function _n(e,t){if(e.length!==t.length)return!1;for(let n=0;n<e.length;n++)if(e[n]!==t[n])return!1;return!0}function Mt(e,t,n,r){let i=[],a=0;for(let l of n){if(l<a)continue;let u=e.dictionary.longestAt(t,l);if(u<0)continue;let c=e.dictionary.matchEnd,f=e.terms[u],d=e.dictionary.patterns[u];f===void 0||d===void 0||f.exactCase&&!_n(d,t.subarray(l,c))||oe(t,c)||(a=c,i.push({start:l,end:c,term:f}))}let o=0,s=0;for(let l of i){if(l.term.context)continue;for(;i[o].end+Dt<l.start;)o+=1;for(;s+1<i.length&&i[s+1].start<=l.end+Dt;)s+=1;let u=[],c=!1;for(let d=o;d<=s;d++){let m=i[d].term;m.id!==l.term.id&&(m.context?c=!0:!u.includes(m.id)&&u.length<Vn&&u.push(m.id))}let f=y(l.term.weight+y(Gn*u.length));f=y(f+(c?Yn:0)),f=Math.min(f,1),f>=Zn&&r.push({kind:"health",start:l.start,end:l.end,confidence:f})}}var Jn={nir:[3,2],iban:[4,2],card:[0,4],rib:[0,2],cni:[0,2],passport:[0,2],birthdate:[0,2],email:[1,2],health:[1,0],finess:[2,2],rpps:[2,2],adeli:[2,2],siren:[2,2],siret:[2,2],phone:[2,2]},Qn=new TextDecoder;function Lt(e,t){let n=0;for(let s of t){if(s>=128)return er(e,Qn.decode(t));U(s)&&(n+=1)}let[r,i]=Ot(e,n),a="",o=0;for(let s=0;s<t.length;s++){let l=t[s];U(l)&&(o<r||o>=n-i||(l=42),o+=1),a+=String.fromCharCode(l)}return a}function Ot(e,t){let[n,r]=Jn[e];for(;n+r>0&&2*(n+r)>t;)r>=n?r-=1:n-=1;return[n,r]}function er(e,t){let n=[...t],r=n.filter(l=>K(l.codePointAt(0)??-1)).length,[i,a]=Ot(e,r),o=0,s="";for(let l of n){if(!K(l.codePointAt(0)??-1)){s+=l;continue}s+=o<i||o>=r-a?l:"*",o+=1}return s}var tr=64,nr=253;function Nt(e,t){let n=0,r=e.indexOf(64);for(;r>=0;){if(r>=n){let i=ar(e,r,n),a=i<0?-1:or(e,r+1);i>=0&&a>=0&&(t.push({kind:"email",start:i,end:a,confidence:y(.95)}),n=a)}r=rr(e,r+1)}}function rr(e,t){let n=Math.min(t+32,e.length);for(let r=t;r<n;r++)if(e[r]===64)return r;return n<e.length?e.indexOf(64,n):-1}function ir(e){return U(e)||e===46||e===95||e===37||e===43||e===45||e===39}function ar(e,t,n){let r=t;for(;r>n&&ir(e[r-1]);)if(r-=1,t-r>tr)return-1;for(;r<t&&(e[r]===46||e[r]===39);)r+=1;return r<t?r:-1}function or(e,t){let n=t;for(;n<e.length&&(U(e[n])||e[n]===46||e[n]===45);)if(n+=1,n-t>nr)return-1;for(;n>t&&(e[n-1]===46||e[n-1]===45);)n-=1;let r=-1,i=t;for(let a=t;a<=n;a++)if(a===n||e[a]===46){if(a===i||e[i]===45)return-1;a<n&&(r=a),i=a+1}if(r<0||n-r-1<2)return-1;for(let a=r+1;a<n;a++)if(!F(e[a]))return-1;return n}function Q(e){if(e.length===0)return!1;let t=0;for(let n=0;n<e.length;n++){let r=e[e.length-1-n];if(!h(r))return!1;let i=r-48;n%2===1&&(i*=2,i>9&&(i-=9)),t+=i}return t%10===0}function Ee(e){let t=0;for(let n=0;n<e.length;n++){let r=e[n];if(!h(r))return-1;t=(t*10+(r-48))%97}return t}function Ft(e,t){return h(e)&&h(t)?(e-48)*10+(t-48):-1}function De(e){if(e.length!==15)return!1;let t=e[0];if(!(t===49||t===50||t===51||t===52||t===55||t===56))return!1;let[n,r,i,a,o]=[e[1],e[2],e[3],e[4],e[5]];if(!(h(n)&&h(r)&&h(i)&&h(a)))return!1;let s=(i-48)*10+(a-48);if(!(s>=1&&s<=12||s===20||s>=30&&s<=42||s>=50))return!1;let l=N(e[6]),u,c;if(o===50&&l===65)[u,c]=[49,57];else if(o===50&&l===66)[u,c]=[49,56];else if(h(o)&&h(l)&&!(o===48&&l===48))[u,c]=[o,l];else return!1;if(e[10]===48&&e[11]===48&&e[12]===48)return!1;let f=0;for(let m of[t,n,r,i,a,u,c])f=(f*10+(m-48))%97;for(let m=7;m<13;m++){let x=e[m];if(!h(x))return!1;f=(f*10+(x-48))%97}let d=Ft(e[13],e[14]);return d>=0&&d===97-f}function Pt(e){if(e.length<4||ze(e[0],e[1])!==e.length||!h(e[2])||!h(e[3]))return!1;for(let n=4;n<e.length;n++)if(!U(e[n]))return!1;let t=0;for(let n=0;n<e.length;n++){let r=e[(n+4)%e.length],i;if(h(r))i=r-48;else if(r>=65&&r<=90)i=r-65+10;else if(r>=97&&r<=122)i=r-97+10;else return!1;t=i<10?(t*10+i)%97:(t*100+i)%97}return t===1}function ze(e,t){return sr.get(String.fromCharCode(e,t))??-1}var sr=new Map(Object.entries({AD:24,AE:23,AL:28,AT:20,AZ:28,BA:20,BE:16,BG:22,BH:22,BI:27,BR:29,BY:28,CH:21,CR:22,CY:28,CZ:24,DE:22,DJ:27,DK:18,DO:28,EE:20,EG:29,ES:24,FI:18,FK:18,FO:18,FR:27,GB:22,GE:22,GI:23,GL:18,GR:27,GT:28,HN:28,HR:21,HU:28,IE:22,IL:23,IQ:23,IS:26,IT:27,JO:30,KW:30,KZ:20,LB:28,LC:32,LI:21,LT:20,LU:20,LV:21,LY:25,MC:27,MD:24,ME:22,MK:19,MN:20,MR:27,MT:31,MU:30,NI:28,NL:18,NO:15,OM:23,PK:24,PL:28,PS:29,PT:25,QA:29,RO:24,RS:22,RU:33,SA:24,SC:31,SD:18,SE:24,SI:19,SK:24,SM:27,SO:23,ST:25,SV:28,TL:23,TN:24,TR:26,UA:29,VA:22,VG:24,XK:20,YE:30}));function Me(e){if(e.length!==23)return!1;let t=[];for(let o of e.subarray(10,21)){let s=lr(o);if(s<0)return!1;t.push(s)}let n=Ee(e.subarray(0,5)),r=Ee(e.subarray(5,10)),i=Ee(t),a=Ft(e[21],e[22]);return n<0||r<0||i<0||a<0?!1:a===97-(89*n+15*r+3*i)%97}function lr(e){let t=N(e);return h(t)?t:t>=65&&t<=73?49+(t-65):t>=74&&t<=82?49+(t-74):t>=83&&t<=90?50+(t-83):-1}function Bt(e){if(e.length!==14||!e.every(n=>h(n)))return!1;if(Q(e))return!0;let t=e.reduce((n,r)=>n+r-48,0);return String.fromCharCode(...e.subarray(0,9))==="356000000"&&t%5===0}function Rt(e){return ur(e)&&Q(e)}function ur(e){let t=e.length;if(t<12||t>19||!e.every(i=>h(i)))return!1;let n=i=>e.subarray(0,i).reduce((a,o)=>a*10+o-48,0),r=e[0];if(r===52)return t===13||t===16||t===19;if(r===51){let i=n(2);if(i===34||i===37)return t===15;let a=n(4);if(a>=3528&&a<=3589)return t>=16;let o=n(3);return i===36||i===38||i===39||o>=300&&o<=305?t>=14:!1}if(r===53){let i=n(2);return i>=51&&i<=55?t===16:i===50||i>=56&&i<=58}if(r===50){let i=n(4);return i>=2221&&i<=2720&&t===16}return r===54}var fe=23,ue=40,$=4*fe,Ne=class{count=0;truncated=!1;starts=new Int32Array($);ends=new Int32Array($);compactStarts=new Int32Array($);compactEnds=new Int32Array($);compact=new Uint8Array($*64);compactLength=0;span={start:0,end:0,boundaries:0,atRunStart:!1};spans=Array.from({length:fe+1},(t,n)=>new Uint8Array(n));collect(t,n){this.count=0,this.compactLength=0,this.truncated=!1;let r=n;for(;;){let i=Fe(t,r);if(!kr(t,r,i))return this.count===0?i:r;if(this.count===$)return this.truncated=!0,r;let a=this.compactLength;if(this.compactLength+(i-r)>this.compact.length){let l=new Uint8Array(2*(this.compactLength+(i-r)));l.set(this.compact.subarray(0,this.compactLength)),this.compact=l}for(let l=r;l<i;l++)this.compact[this.compactLength++]=N(t[l]);this.starts[this.count]=r,this.ends[this.count]=i,this.compactStarts[this.count]=a,this.compactEnds[this.count]=this.compactLength,this.count+=1;let o=P(t,i),s=i+o;if(o===0||!h(t[s]))return i;r=s}}classify(t,n,r,i,a){let o=this.span;for(let s=0;s<i;s++){let l=this.compactStarts[s],u=0;for(let c=s;c<this.count;c++){let f=this.compactEnds[c],d=f-l;if(d>fe||c-s>=2&&f-this.compactStarts[c]===1)break;if(d>=9){o.start=this.starts[s],o.end=this.ends[c],o.boundaries=u,o.atRunStart=r&&s===0;let m=this.spans[d];for(let v=0;v<d;v++)m[v]=this.compact[l+v];let x=Sr(t,m,o,n);x!==null&&a.push(x)}u|=1<<d}}}};function z(e){return e.reduce((t,n)=>t|1<<n,0)}var cr=z([3,6]),dr=z([2,3,6]),hr=z([2,4,6,8]),pr=z([2,3,5,7,9]),mr=z([4,5,7,9,11]),gr=z([3,6,9]),qt=z([1,3,5,7,10,13]),Ht=z([5,10,21]),xr=z([4,8,12,16]),vr=z([4,10]);function E(e,t){return(e.boundaries&~t)===0}function br(e,t){return e.boundaries===0||e.boundaries===t}function yr(e){for(let t=0;t<e.length;t++)if(F(e[t]))return!0;return!1}var wr=["adeli"],Ar=["finess"],Cr=["siren","siret","rcs","entreprise","societe"],Ir=["rpps"];function S(e,t,n){return{kind:t,start:e.start,end:e.end,confidence:y(n)}}function Le(e,t){if(e.length<t.length)return!1;for(let n=0;n<t.length;n++)if(e[n]!==t.charCodeAt(n))return!1;return!0}function Sr(e,t,n,r){let i=t.length;if(yr(t))return i===15&&E(n,qt)&&De(t)?S(n,"nir",.95):i===23&&E(n,Ht)&&Me(t)?S(n,"rib",.95):null;if(i===9)return!(E(n,dr)&&Q(t))||J(e,n.start,ue,wr)?null:J(e,n.start,ue,Ar)?S(n,"finess",.95):E(n,cr)?S(n,"siren",J(e,n.start,ue,Cr)?.95:.7):null;if(i===10)return t[0]===48&&t[1]!==48&&br(n,hr)?S(n,"phone",n.boundaries===0?.7:.85):null;if(i===11){if(r&&n.atRunStart&&Le(t,"33")&&t[2]!==48&&E(n,pr))return{kind:"phone",start:n.start-1,end:n.end,confidence:y(.9)};if(n.boundaries===0&&Q(t)){if(J(e,n.start,ue,Ir))return S(n,"rpps",.95);if(Le(t,"10"))return S(n,"rpps",.7)}return null}return i===13&&Le(t,"0033")&&t[4]!==48&&E(n,mr)?S(n,"phone",.9):i===14&&E(n,gr)&&Bt(t)?S(n,"siret",.95):i===15&&E(n,qt)&&De(t)?S(n,"nir",.95):i===23?E(n,Ht)&&Me(t)?S(n,"rib",.95):null:i>=12&&i<=19&&Tr(i,n)&&Rt(t)?S(n,"card",.9):null}function Tr(e,t){return E(t,xr)||(e===14||e===15)&&E(t,vr)}function kr(e,t,n){let r=!1,i=-1,a=0;for(let s=t;s<n;s++)h(e[s])?r=!0:(a+=1,i<0&&(i=s));if(n-t===11&&r||a===0)return!0;let o=e[i];return a===1&&(o===65||o===66||o===97||o===98)&&i>t&&e[i-1]===50}function Ur(e,t,n){if(n-t!==9||!h(e[t])||!h(e[t+1])||!W(e[t+2])||!W(e[t+3]))return!1;for(let r=t+4;r<n;r++)if(!h(e[r]))return!1;return!0}function Fe(e,t){let n=t;for(;n<e.length&&A(e[n]);)n++;return n}function Er(e,t){if(t+2>e.length)return null;let n=ze(N(e[t]),N(e[t+1]));if(n<0)return null;let r=new Uint8Array(n),i=0,a=t;for(;i<n;){let o=P(e,a);o>0&&e[a]!==46&&i>0&&(a+=o);let s=e[a];if(!U(s))return null;r[i++]=N(s),a+=1}return A(e[a])?null:Pt(r)?{kind:"iban",start:t,end:a,confidence:y(.99)}:a}function Oe(e,t,n){for(let r=0;r<n.length;r++)if(e[t+r]!==n.charCodeAt(r))return!1;return!0}function Dr(e,t){let n,r;if(t>0&&e[t-1]===43&&Oe(e,t,"33"))n=t-1,r=t+2;else if(Oe(e,t,"0033"))n=t,r=t+4;else return null;if(e[r]===32&&(r+=1),!Oe(e,r,"(0)"))return null;r+=3,e[r]===32&&(r+=1);let i=r,a=[];for(;;){let s=r;for(;h(e[s]);)s++;if(a.push(s-r),r=s,a.length===5||!Kt(e,s))break;r=s+P(e,s)}let o=a.join(",");return o!=="9"&&o!=="1,2,2,2,2"||e[i]===48||A(e[r])||Kt(e,r)?null:{kind:"phone",start:n,end:r,confidence:y(.9)}}function Kt(e,t){let n=P(e,t);return n>0&&h(e[t+n])}function Wt(e,t){let n=new Ne,r=0;for(;;){let i=ae(e,r);if(i<0)return;if(i>0&&A(e[i-1])){let u=i-2;if(i>=2&&F(e[u])&&F(e[u+1])&&(u===0||!A(e[u-1]))){let c=Er(e,u);if(c!==null){typeof c=="number"?r=c:(t.push(c),r=c.end);continue}}r=Fe(e,i);continue}let a=Dr(e,i);if(a!==null){t.push(a),r=a.end;continue}let o=n.collect(e,i);if(n.count===0){let u=Fe(e,i);Ur(e,i,u)&&t.push({kind:"passport",start:i,end:u,confidence:y(.5)}),r=u;continue}let s=i>0&&e[i-1]===43;if(!n.truncated){n.classify(e,s,!0,n.count,t),r=Math.max(o,i+1);continue}let l=!0;for(;;){let u=n.truncated,c=u?n.count-fe:n.count;if(n.classify(e,s&&l,l,c,t),!u)break;l=!1;let f=n.starts[c];o=n.collect(e,f),r=Math.max(o,f+1)}}}var Be=class{constructor(t,n,r,i,a){this.kind=t;this.start=n;this.end=r;this.confidence=i;this.#e=a}kind;start;end;confidence;#e;#t;get excerpt(){return this.#t??=Lt(this.kind,this.#e.subarray(this.start,this.end)),this.#t}toJSON(){return{kind:this.kind,start:this.start,end:this.end,excerpt:this.excerpt,confidence:this.confidence}}},Pe=null;function jt(e){let t=typeof e=="string"?new TextEncoder().encode(e):e;if(Pe===null){let l=Tt(),u=zt();Pe={context:l,health:u,filter:bt([...l.dictionary.firstWordHashes(),...u.dictionary.firstWordHashes()])}}let n=[];Wt(t,n),Nt(t,n);let r=[],i=[],{context:a,health:o,filter:s}=Pe;return vt(t,s,(l,u)=>{a.dictionary.mayStart(u)&&r.push(l),o.dictionary.mayStart(u)&&i.push(l)}),kt(a,t,r,n),Mt(o,t,i,n),zr(t,n)}function zr(e,t){t.sort((a,o)=>a.start-o.start||a.end-o.end);let n=[],r=a=>n.push(new Be(a.kind,a.start,a.end,a.confidence,e)),i=0;for(;i<t.length;){let a=i+1,o=t[i].end;for(;a<t.length&&t[a].start<o;)o=Math.max(o,t[a].end),a+=1;a===i+1?r(t[i]):Lr(t.slice(i,a)).sort((s,l)=>s.start-l.start).forEach(r),i=a}return n}var Mr=32;function Lr(e){e.sort((a,o)=>o.end-o.start-(a.end-a.start)||o.confidence-a.confidence||a.start-o.start);let t=[];if(e.length<=Mr){for(let a of e)t.some(o=>o.start<a.end&&a.start<o.end)||t.push(a);return t}let n=1/0,r=0;for(let a of e)n=Math.min(n,a.start),r=Math.max(r,a.end);let i=new Uint32Array(r-n+1);for(let a of e){let o=a.start-n,s=a.end-n,l=!1;if(o===s)l=o>0&&i[o-1]!==0&&i[o-1]===i[o];else for(let u=o;u<s&&!l;u++)l=i[u]!==0;l||(t.push(a),i.fill(t.length,o,s))}return t}var Or=3;async function $t(e,t=()=>{}){let n={kinds:new Map,notInspectable:0},r=[],i=e.reduce((o,s)=>o+s.size,0),a=0;for(let o of e){t(a,i);let s=[],l=null;if(o.size>Ae.maxFileBytes)l="too-large";else{let u=ht(await o.bytes(),o.name);"text"in u?(s=jt(u.text),l=u.unread??null):l=u.notInspectable}l!==null&&(n.notInspectable+=1),Xe(n,s),r.push({name:o.name,notInspectable:l,kinds:Nr(s)}),a+=o.size,await new Promise(u=>setTimeout(u,0))}return t(i,i),{labels:n,files:r}}function Nr(e){let t=new Map;for(let n of e){let r=t.get(n.kind);r===void 0&&(r={kind:n.kind,count:0,excerpts:[]},t.set(n.kind,r)),r.count+=1,r.excerpts.length<Or&&!r.excerpts.includes(n.excerpt)&&r.excerpts.push(n.excerpt)}return[...t.values()]}var ee=self;ee.onmessage=e=>{ee.postMessage({ready:!0});let t=e.data.files;$t(t.map(n=>({name:n.name,size:n.size,bytes:async()=>new Uint8Array(await n.arrayBuffer())})),(n,r)=>ee.postMessage({progress:[n,r]})).then(n=>ee.postMessage({inspection:n})).catch(n=>ee.postMessage({error:n instanceof Error?n.name:"error"}))};
/*! Bundled license information:

smol-toml/dist/error.js:
smol-toml/dist/primitive.js:
smol-toml/dist/date.js:
smol-toml/dist/extract.js:
smol-toml/dist/util.js:
smol-toml/dist/struct.js:
smol-toml/dist/parse.js:
smol-toml/dist/stringify.js:
smol-toml/dist/index.js:
  (*!
   * Copyright (c) Squirrel Chat et al., All rights reserved.
   * SPDX-License-Identifier: BSD-3-Clause
   *
   * Redistribution and use in source and binary forms, with or without
   * modification, are permitted provided that the following conditions are met:
   *
   * 1. Redistributions of source code must retain the above copyright notice, this
   *    list of conditions and the following disclaimer.
   * 2. Redistributions in binary form must reproduce the above copyright notice,
   *    this list of conditions and the following disclaimer in the
   *    documentation and/or other materials provided with the distribution.
   * 3. Neither the name of the copyright holder nor the names of its contributors
   *    may be used to endorse or promote products derived from this software without
   *    specific prior written permission.
   *
   * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
   * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
   * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
   * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
   * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
   * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
   * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
   * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
   * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
   * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
   *)
*/
